//! `text::utf8_string` accepts exactly what `core::str::from_utf8` accepts, and gives the same
//! text: every sequence of one to three bytes, and four-byte sequences around every boundary of
//! the encoding (overlong forms, surrogates, U+10FFFF), alone and with neighbours.

use inactivity_core::text::utf8_string;

fn check(bytes: &[u8]) {
    assert_eq!(
        utf8_string(bytes).as_deref(),
        core::str::from_utf8(bytes).ok(),
        "{bytes:02x?}"
    );
}

#[test]
fn every_short_sequence() {
    for a in 0..=255u8 {
        check(&[a]);
        for b in 0..=255u8 {
            check(&[a, b]);
            // Three bytes: every lead byte that could start one, and every byte after a lead.
            if a >= 0xC0 {
                for c in 0..=255u8 {
                    check(&[a, b, c]);
                }
            }
        }
    }
}

#[test]
fn four_byte_boundaries() {
    const EDGES: [u8; 12] = [
        0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF,
    ];
    for a in 0xE0..=0xFFu8 {
        for b in 0..=255u8 {
            for c in EDGES {
                for d in EDGES {
                    check(&[a, b, c, d]);
                }
            }
        }
    }
}

#[test]
fn text_around_characters() {
    for s in [
        "",
        "a",
        "é",
        "€",
        "😀",
        "a€b😀c",
        "\u{10FFFF}",
        "\u{D7FF}\u{E000}",
    ] {
        check(s.as_bytes());
        let mut bytes = s.as_bytes().to_vec();
        bytes.push(0x80);
        check(&bytes);
        bytes.insert(0, 0xF0);
        check(&bytes);
    }
}
