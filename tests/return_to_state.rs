//! The OAuth `state` that carries the return location: round trips, and a forged or damaged
//! `state` never yields a location that `ReturnTo::parse` would refuse.

use inactivity_core::return_to::{
    decode_state, encode_state, resume_location, ReturnTo, ReturnToErrorKind, SavedState,
    MAX_NONCE_LEN, MAX_RETURN_TO_LEN,
};
use ReturnToErrorKind::*;

const ORIGIN: &str = "http://127.0.0.1:8080";

fn location(s: &str) -> ReturnTo {
    ReturnTo::parse(s, ORIGIN).unwrap()
}

fn check(state: &str, expected: Result<(&str, &str), ReturnToErrorKind>) {
    let got = decode_state(state, ORIGIN);
    match (&got, expected) {
        (Ok((nonce, rt)), Ok((want_nonce, want_rt))) => {
            assert_eq!(
                (nonce.as_str(), rt.as_str()),
                (want_nonce, want_rt),
                "{state:?}"
            )
        }
        (Err(e), Err(kind)) => assert_eq!(e.kind(), kind, "{state:?}: {e}"),
        _ => panic!("{state:?}: got {got:?}, expected {expected:?}"),
    }
}

/// A state as `encode_state` would build it, but around any text (to smuggle a bad location).
fn forge(nonce: &[u8], text: &[u8]) -> String {
    fn b64(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }
    format!("rt1.{}.{}", b64(nonce), b64(text))
}

#[test]
fn round_trips() {
    for (nonce, loc) in [
        ("n0nce", "/agent?x=1#h"),
        ("", "/"),
        ("a.b.c", "/a.b"),
        ("ünïcödé nonce", "/caf%C3%A9"),
        (
            &"n".repeat(MAX_NONCE_LEN),
            &format!("/{}", "x".repeat(MAX_RETURN_TO_LEN - 1)),
        ),
    ] {
        let state = encode_state(&location(loc), nonce);
        assert!(
            state
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
            "{state}"
        );
        check(&state, Ok((nonce, loc)));
    }
    assert_eq!(
        encode_state(&location("/agent"), "abc"),
        "rt1.YWJj.L2FnZW50"
    );
    assert_eq!(forge(b"abc", b"/agent"), "rt1.YWJj.L2FnZW50");
}

#[test]
#[rustfmt::skip]
fn forged_or_damaged_states_are_refused() {
    check(&forge(b"n", b"//evil.example"), Err(ProtocolRelative));
    check(&forge(b"n", b"javascript:alert(1)"), Err(Scheme));
    check(&forge(b"n", b"http://evil.example/"), Err(OtherOrigin));
    check(&forge(b"n", b"/%2f%2fevil.example"), Err(ProtocolRelative));
    check(&forge(b"n", b"/\t/evil.example"), Err(ControlCharacter));
    check(&forge(b"n", b""), Err(Empty));
    check(&forge(b"n", b"\xff/agent"), Err(InvalidState));
    check(&forge(b"\xff", b"/agent"), Err(InvalidState));
    check(&forge(b"n\n", b"/agent"), Err(InvalidNonce));
    check(&forge(&[b'n'; MAX_NONCE_LEN + 1], b"/agent"), Err(InvalidNonce));
    check(&forge(b"n", format!("/{}", "a".repeat(MAX_RETURN_TO_LEN)).as_bytes()), Err(TooLong));
    check(&forge(b"n", b"http://127.0.0.1:8080/ok"), Ok(("n", "/ok")));
    check("", Err(InvalidState));
    check("rt1.", Err(InvalidState));
    check("rt1.YWJj", Err(InvalidState));
    check("rt2.YWJj.L2FnZW50", Err(InvalidState));
    check("RT1.YWJj.L2FnZW50", Err(InvalidState));
    check("rt1.YWJj.L2FnZW50.", Err(InvalidState));
    check("rt1.YWJj.L2FnZW50=", Err(InvalidState));
    check("rt1.YWJj.L2FnZW5", Err(InvalidState)); // 7 chars: stray bits
    check("rt1.YR.L2FnZW50", Err(InvalidState)); // non-canonical trailing bits ("YQ" is canonical)
    check("rt1.YQ.L2FnZW50", Ok(("a", "/agent")));
    check("rt1.YWJj.L2FnZW50L", Err(InvalidState)); // a lone sextet
    check("rt1.YW+j.L2FnZW50", Err(InvalidState));
    check("rt1.YW/j.L2FnZW50", Err(InvalidState));
    check("rt1.YWJj.L2Fn ZW50", Err(InvalidState));
    check("rt1.YWJj.L2FnZW50\n", Err(InvalidState));
    check("/agent", Err(InvalidState));
    check(&"rt1.YWJj.".repeat(1_000), Err(InvalidState));
    check(&format!("rt1.YWJj.{}", "A".repeat(10_000)), Err(InvalidState));
    check("rt1.YWJj.L2FnZW50", Ok(("abc", "/agent")));
}

#[test]
fn the_origin_is_checked_on_the_way_back() {
    let state = encode_state(&location("/agent"), "n");
    assert!(decode_state(&state, "http://127.0.0.1:8080").is_ok());
    let other = forge(b"n", b"http://127.0.0.1:8080/agent");
    assert_eq!(
        decode_state(&other, "http://127.0.0.1:9090")
            .unwrap_err()
            .kind(),
        OtherOrigin
    );
    assert_eq!(
        decode_state(&state, "null").unwrap_err().kind(),
        InvalidOrigin
    );
}

/// Which `state` is followed after sign-in: the one this browser saved, only; an unsaved one
/// only where storage is denied.
#[test]
#[rustfmt::skip]
fn only_the_state_this_browser_issued_is_followed() {
    let mine = encode_state(&location("/inbox?folder=2#top"), "mine");
    let theirs = encode_state(&location("/admin/delete-everything"), "attacker");
    let other_origin = forge(b"x", b"https://evil.example/");
    let cases: &[(Option<&str>, SavedState, Result<&str, ReturnToErrorKind>)] = &[
        (Some(&mine), SavedState::Saved(&mine), Ok("/inbox?folder=2#top")),
        (None, SavedState::Saved(&mine), Ok("/inbox?folder=2#top")),
        (Some(&theirs), SavedState::Saved(&mine), Err(ForeignState)),
        (Some(&theirs), SavedState::Nothing, Err(UnsavedState)),
        (Some(&mine), SavedState::Nothing, Err(UnsavedState)),
        (Some(&theirs), SavedState::Denied, Ok("/admin/delete-everything")),
        (Some(&other_origin), SavedState::Denied, Err(OtherOrigin)),
        (Some("garbage"), SavedState::Denied, Err(InvalidState)),
        (None, SavedState::Nothing, Err(NoState)),
        (None, SavedState::Denied, Err(NoState)),
        // A saved state is checked like any other: a damaged one is refused.
        (None, SavedState::Saved("rt1.x.y"), Err(InvalidState)),
    ];
    for (returned, saved, want) in cases {
        let got = resume_location(*returned, *saved, ORIGIN);
        match (&got, want) {
            (Ok(to), Ok(want)) => assert_eq!(to.as_str(), *want, "{returned:?} {saved:?}"),
            (Err(e), Err(want)) => assert_eq!(e.kind(), *want, "{returned:?} {saved:?}"),
            _ => panic!("{returned:?} {saved:?}: got {got:?}, want {want:?}"),
        }
    }
}
