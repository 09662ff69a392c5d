//! The byte helpers the client's parsers share (`inactivity_core::text`): searches by a set of
//! bytes, a class of bytes, hex digits and one level of percent-decoding.

use inactivity_core::text::{
    all_bytes, char_prefix, find_byte, hex_value, percent_decode, rfind_byte,
};

#[test]
fn byte_searches() {
    for (s, set, first, last) in [
        ("a/b\\c?d#e", &b"/\\"[..], Some(1), Some(3)),
        ("a/b\\c?d#e", b"?#", Some(5), Some(7)),
        ("abc", b"/", None, None),
        ("", b"/", None, None),
        ("abc", b"", None, None),
        ("é/ü", b"/", Some(2), Some(2)),
        ("//", b"/", Some(0), Some(1)),
    ] {
        assert_eq!(find_byte(s.as_bytes(), set), first, "{s:?} {set:?}");
        assert_eq!(rfind_byte(s.as_bytes(), set), last, "{s:?} {set:?}");
    }
}

#[test]
fn byte_classes() {
    assert!(all_bytes(b"0123", |b| b.is_ascii_digit()));
    assert!(!all_bytes(b"01a3", |b| b.is_ascii_digit()));
    assert!(all_bytes(b"", |_| false), "every byte of nothing");
    assert!(!all_bytes("é".as_bytes(), |b| b.is_ascii()));
}

#[test]
fn hex_digits() {
    for (c, v) in [
        (b'0', Some(0)),
        (b'9', Some(9)),
        (b'a', Some(10)),
        (b'F', Some(15)),
    ] {
        assert_eq!(hex_value(c), v);
    }
    for c in [b'g', b'G', b'/', b':', b'@', b'`', b' '] {
        assert_eq!(hex_value(c), None, "{}", c as char);
    }
}

#[test]
fn percent_decoding() {
    for (input, strict, out) in [
        ("a%41b", false, Some("aAb")),
        ("%2f%2F", true, Some("//")),
        ("no escape", true, Some("no escape")),
        ("50%", false, Some("50%")),
        ("50%", true, None),
        ("%zz", false, Some("%zz")),
        ("%zz", true, None),
        ("%4", false, Some("%4")),
        ("%%41", false, Some("%A")),
        ("%c3%a9", true, Some("é")),
    ] {
        let got = percent_decode(input.as_bytes(), strict);
        assert_eq!(
            got.as_deref(),
            out.map(str::as_bytes),
            "{input:?} strict={strict}"
        );
    }
    // Changed exactly when shorter.
    assert_eq!(percent_decode(b"%zz", false).unwrap().len(), 3);
    assert_eq!(percent_decode(b"%41", false).unwrap().len(), 1);
}

#[test]
fn character_prefixes() {
    for s in ["", "abc", "é😀a\u{10FFFF}€", "\u{0}\u{7f}\u{80}"] {
        for n in 0..6 {
            let expected: String = s.chars().take(n).collect();
            assert_eq!(char_prefix(s, n), expected, "{s:?} {n}");
        }
    }
    let long = "é".repeat(600);
    assert_eq!(char_prefix(&long, 512).chars().count(), 512);
    assert_eq!(char_prefix(&long, 600), long);
}
