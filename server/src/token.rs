//! Unguessable random strings for access tokens, refresh tokens and authorization codes.

/// `bytes` random bytes from the operating system, hex-encoded.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system's random source is available");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new access token, refresh token or authorization code: 256 random bits.
pub fn new_secret() -> String {
    random_hex(32)
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_are_long_and_distinct() {
        let a = super::new_secret();
        let b = super::new_secret();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
