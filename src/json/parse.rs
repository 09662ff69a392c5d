//! Reading JSON text into a [`Value`], without serde: what the browser client reads — the
//! platform's settings answers, the `policy` an app passes (as `JSON.stringify` gives it) — is
//! text, and the client's wasm carries no serde and no float parser.
//!
//! Strict RFC 8259 (no comments, no trailing commas, no leading zeros, no lone surrogates);
//! anything else is `None`, never a panic. Nesting is limited to [`MAX_DEPTH`] levels and the
//! text to [`MAX_TEXT_LEN`] bytes, so hostile input costs bounded time and stack. Numbers are
//! exact for integers up to 2^53 (all the platform's settings use); fractions and exponents are
//! read to within a rounding error, without `core`'s float parser (kilobytes of tables).
//!
//! ```
//! use inactivity_core::json::{parse, Value};
//! let v = parse(r#"{"a":[1,-2.5e1,"\u00e9\n"],"b":null}"#).unwrap();
//! assert_eq!(v.get("a").and_then(Value::as_array).map(<[Value]>::len), Some(3));
//! assert_eq!(v.get("a").unwrap().as_array().unwrap()[1], Value::Number(-25.0));
//! assert_eq!(parse("[1,]"), None);
//! assert_eq!(parse("01"), None);
//! ```

#![deny(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use alloc::{string::String, vec::Vec};

use super::{Value, MAX_DEPTH};

/// The longest text [`parse`] reads, in bytes (1 MiB); longer text is `None` unread. A policy
/// at its limits (200 exclusions of 512 characters) is about 110 KB.
pub const MAX_TEXT_LEN: usize = 1 << 20;

/// The value in `text` (surrounding whitespace allowed), or `None` for anything that is not
/// exactly one JSON value within the limits.
pub fn parse(text: &str) -> Option<Value> {
    if text.len() > MAX_TEXT_LEN {
        return None;
    }
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let value = reader.value(0)?;
    reader.space();
    (reader.at == reader.bytes.len()).then_some(value)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at = self.at.saturating_add(1);
        Some(b)
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.bump()? == b).then_some(())
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at = self.at.saturating_add(1);
        }
    }

    fn word(&mut self, word: &[u8], value: Value) -> Option<Value> {
        let end = self.at.checked_add(word.len())?;
        (self.bytes.get(self.at..end)? == word).then(|| {
            self.at = end;
            value
        })
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        self.space();
        match self.peek()? {
            b'{' => self.object(depth.checked_add(1).filter(|&d| d <= MAX_DEPTH)?),
            b'[' => self.array(depth.checked_add(1).filter(|&d| d <= MAX_DEPTH)?),
            b'"' => self.string().map(Value::String),
            b't' => self.word(b"true", Value::Bool(true)),
            b'f' => self.word(b"false", Value::Bool(false)),
            b'n' => self.word(b"null", Value::Null),
            _ => self.number().map(Value::Number),
        }
    }

    /// `[`…`]`: the elements, separated by commas.
    fn array(&mut self, depth: usize) -> Option<Value> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.space();
        if self.peek() == Some(b']') {
            self.at = self.at.saturating_add(1);
            return Some(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.space();
            match self.bump()? {
                b',' => {}
                b']' => return Some(Value::Array(items)),
                _ => return None,
            }
        }
    }

    /// `{`…`}`: the members in document order.
    fn object(&mut self, depth: usize) -> Option<Value> {
        self.eat(b'{')?;
        let mut members = Vec::new();
        self.space();
        if self.peek() == Some(b'}') {
            self.at = self.at.saturating_add(1);
            return Some(Value::Object(members));
        }
        loop {
            self.space();
            let key = self.string()?;
            self.space();
            self.eat(b':')?;
            members.push((key, self.value(depth)?));
            self.space();
            match self.bump()? {
                b',' => {}
                b'}' => return Some(Value::Object(members)),
                _ => return None,
            }
        }
    }

    /// A string literal, escapes resolved.
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            // The run up to the next quote, escape or control character, copied as it is.
            let start = self.at;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.at = self.at.saturating_add(1);
            }
            // The run starts and stops at ASCII bytes: char boundaries of `text`.
            out.push_str(self.text.get(start..self.at)?);
            match self.bump()? {
                b'"' => return Some(out),
                b'\\' => {
                    let c = match self.bump()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    };
                    out.push(c);
                }
                _ => return None,
            }
        }
    }

    /// The character of a `\uXXXX` escape (the `\u` already read), a surrogate pair included.
    fn unicode_escape(&mut self) -> Option<char> {
        let high = self.hex4()?;
        if !(0xD800..0xE000).contains(&high) {
            return char::from_u32(high);
        }
        if high >= 0xDC00 {
            return None;
        }
        self.eat(b'\\')?;
        self.eat(b'u')?;
        let low = self.hex4()?;
        if !(0xDC00..0xE000).contains(&low) {
            return None;
        }
        let offset = (high.checked_sub(0xD800)? << 10) | low.checked_sub(0xDC00)?;
        char::from_u32(offset.checked_add(0x1_0000)?)
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut n = 0u32;
        for _ in 0..4 {
            let digit = char::from(self.bump()?).to_digit(16)?;
            n = (n << 4) | digit;
        }
        Some(n)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Option<f64> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at = self.at.saturating_add(1);
        }
        let mut mantissa: u64 = 0;
        // Powers of ten the mantissa is off by: digits it could not hold, and the fraction's.
        let mut exponent: i64 = 0;
        let digit = |reader: &mut Self, mantissa: &mut u64| -> Option<bool> {
            let d = u64::from(
                reader
                    .peek()
                    .filter(u8::is_ascii_digit)?
                    .checked_sub(b'0')?,
            );
            reader.at = reader.at.saturating_add(1);
            match mantissa.checked_mul(10).and_then(|m| m.checked_add(d)) {
                Some(m) if m < (1 << 53) => {
                    *mantissa = m;
                    Some(true)
                }
                _ => Some(false),
            }
        };
        match self.peek()? {
            b'0' => self.at = self.at.saturating_add(1),
            b'1'..=b'9' => {
                while let Some(kept) = digit(self, &mut mantissa) {
                    if !kept {
                        exponent = exponent.saturating_add(1);
                    }
                }
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.at = self.at.saturating_add(1);
            let mut any = false;
            while let Some(kept) = digit(self, &mut mantissa) {
                any = true;
                if kept {
                    exponent = exponent.saturating_sub(1);
                }
            }
            if !any {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at = self.at.saturating_add(1);
            let sign: i64 = match self.peek() {
                Some(b'-') => -1,
                Some(b'+') => 1,
                _ => 0,
            };
            if sign != 0 {
                self.at = self.at.saturating_add(1);
            }
            let mut e: i64 = 0;
            let mut any = false;
            while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
                self.at = self.at.saturating_add(1);
                any = true;
                e = e
                    .saturating_mul(10)
                    .saturating_add(i64::from(d.saturating_sub(b'0')));
            }
            if !any {
                return None;
            }
            exponent = exponent.saturating_add(if sign < 0 { e.saturating_neg() } else { e });
        }
        let mut n = mantissa as f64;
        // Past ±400 the result is 0 or infinite whatever the mantissa.
        for _ in 0..exponent.clamp(-400, 400).unsigned_abs() {
            n = if exponent < 0 { n / 10.0 } else { n * 10.0 };
        }
        Some(if negative { -n } else { n })
    }
}
