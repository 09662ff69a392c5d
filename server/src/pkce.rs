//! Proof Key for Code Exchange (RFC 7636), as the platform supports it for browser clients:
//! `code_challenge` with `code_challenge_method=S256` at the authorization request, the
//! `code_verifier` at the token request. `plain` is refused (RFC 9700 §2.1.1: S256 only).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// An S256 challenge: BASE64URL(SHA-256(verifier)), 43 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge(String);

impl Challenge {
    /// The challenge of an authorization request, if it has one: `None` without
    /// `code_challenge`; an error (a sentence) for a method other than `S256` or a malformed
    /// challenge.
    pub fn from_request(
        challenge: Option<&str>,
        method: Option<&str>,
    ) -> Result<Option<Self>, String> {
        let challenge = challenge.filter(|c| !c.is_empty());
        let method = method.filter(|m| !m.is_empty());
        match (challenge, method) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err("code_challenge_method was sent without code_challenge".into()),
            (Some(_), None | Some("plain")) => {
                Err("code_challenge_method must be S256 (the plain method is not supported)".into())
            }
            (Some(_), Some(m)) if m != "S256" => {
                Err(format!("code_challenge_method must be S256; got \"{m}\""))
            }
            (Some(c), Some(_)) => {
                let ok = c.len() == 43
                    && c.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if ok {
                    Ok(Some(Self(c.to_owned())))
                } else {
                    Err("code_challenge must be 43 base64url characters (BASE64URL(SHA-256(code_verifier)), no padding)".into())
                }
            }
        }
    }

    /// The challenge of `verifier` (for clients and tests).
    pub fn of(verifier: &str) -> Self {
        Self(URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())))
    }

    /// The challenge as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Checks the token request's `code_verifier` against this challenge.
    pub fn verify(&self, verifier: &str) -> Result<(), String> {
        if verifier.is_empty() {
            return Err(
                "code_verifier is required: the authorization request had a code_challenge".into(),
            );
        }
        let well_formed = (43..=128).contains(&verifier.len())
            && verifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
        if !well_formed {
            return Err("code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'".into());
        }
        if Self::of(verifier) == *self {
            Ok(())
        } else {
            Err(
                "code_verifier does not match the code_challenge of the authorization request"
                    .into(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_example() {
        // RFC 7636, appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = Challenge::of(verifier);
        assert_eq!(
            challenge.as_str(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let sent = Challenge::from_request(Some(challenge.as_str()), Some("S256"));
        assert_eq!(sent, Ok(Some(challenge.clone())));
        assert_eq!(challenge.verify(verifier), Ok(()));
        assert!(challenge
            .verify(&verifier.replace('d', "e"))
            .unwrap_err()
            .contains("does not match"));
        assert!(challenge.verify("").unwrap_err().contains("required"));
        assert!(challenge.verify("short").unwrap_err().contains("43 to 128"));
        assert!(challenge
            .verify(&format!("{verifier}!"))
            .unwrap_err()
            .contains("43 to 128"));
    }

    #[test]
    fn requests() {
        let c = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert_eq!(Challenge::from_request(None, None), Ok(None));
        assert_eq!(Challenge::from_request(Some(""), Some("")), Ok(None));
        for (challenge, method, says) in [
            (Some(c), None, "S256"),
            (Some(c), Some("plain"), "plain"),
            (Some(c), Some("s256"), "\"s256\""),
            (None, Some("S256"), "without code_challenge"),
            (Some("abc"), Some("S256"), "43 base64url"),
            (
                Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"),
                Some("S256"),
                "43 base64url",
            ),
        ] {
            let err = Challenge::from_request(challenge, method).unwrap_err();
            assert!(err.contains(says), "{challenge:?} {method:?}: {err}");
        }
    }
}
