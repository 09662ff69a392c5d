//! The loose JSON tree: deserialization from serde_json, depth limit, serialization.

use inactivity_core::json::{JsonType, Value, MAX_DEPTH};

#[track_caller]
fn check(text: &str, want: Result<Value, &str>) {
    let got = serde_json::from_str::<Value>(text).map_err(|e| e.to_string());
    match (got, want) {
        (Ok(got), Ok(want)) => assert_eq!(got, want, "{text}"),
        (Err(got), Err(want)) => assert!(got.contains(want), "{text}: {got}"),
        (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
    }
}

fn obj(members: &[(&str, Value)]) -> Value {
    Value::Object(
        members
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

#[test]
fn deserializes_every_json_type() {
    check("null", Ok(Value::Null));
    check("true", Ok(Value::Bool(true)));
    check("1800", Ok(Value::Number(1800.0)));
    check("-3", Ok(Value::Number(-3.0)));
    check("1800.5", Ok(Value::Number(1800.5)));
    check(
        "18446744073709551615",
        Ok(Value::Number(18446744073709551615.0)),
    );
    check("1e400", Err("number out of range"));
    check(r#""a\u0000b""#, Ok(Value::String("a\0b".into())));
    check(
        "[1,[2]]",
        Ok(Value::Array(vec![
            1.0.into(),
            Value::Array(vec![2.0.into()]),
        ])),
    );
    check(
        r#"{"a":1,"b":{}}"#,
        Ok(obj(&[("a", 1.0.into()), ("b", obj(&[]))])),
    );
    check("{", Err("EOF"));
}

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn depth_is_limited() {
    // MAX_DEPTH levels of arrays are fine...
    assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH)).is_ok());
    // ...one more is an error, never a stack overflow, however deep the input goes.
    check(
        &nested(MAX_DEPTH + 1),
        Err("nested more than 64 levels deep"),
    );
    let deep_objects = format!(
        "{}1{}",
        r#"{"a":"#.repeat(MAX_DEPTH + 1),
        "}".repeat(MAX_DEPTH + 1)
    );
    check(&deep_objects, Err("nested more than 64 levels deep"));
    // Our limit is checked before descending, so it answers before serde_json's own (128).
    check(&nested(1_000_000), Err("nested more than 64 levels deep"));
}

#[test]
fn accessors() {
    let v: Value = serde_json::from_str(r#"{"a":1,"b":null,"a":"last"}"#).unwrap();
    assert_eq!(
        v.get("a"),
        Some(&Value::String("last".into())),
        "the last duplicate wins, as in JSON.parse"
    );
    assert_eq!(v.get("b"), Some(&Value::Null));
    assert_eq!(v.get_present("b"), None);
    assert_eq!(v.get("zzz"), None);
    assert_eq!(Value::Number(1.0).get("a"), None);
    assert_eq!(v.json_type(), JsonType::Object);
    assert_eq!(Value::Null.json_type().to_string(), "null");
    assert_eq!(Value::Bool(true).as_bool(), Some(true));
    assert_eq!(Value::from("x").as_str(), Some("x"));
    assert_eq!(Value::from(2.5).as_f64(), Some(2.5));
    assert!(Value::Array(vec![]).as_array().is_some());
    assert!(v.as_object().is_some());
    assert!(Value::Null.is_null());
}

#[test]
fn serializes_back() {
    for text in [
        r#"{"idleTokenTimeout":{"enableIdleTokenTimeout":true,"idleTokenTimeoutSeconds":1800}}"#,
        r#"[null,true,-3,1800.5,"x",[],{}]"#,
        r#"[1e300]"#,
    ] {
        let v: Value = serde_json::from_str(text).unwrap();
        let back = serde_json::to_string(&v).unwrap();
        let again: Value = serde_json::from_str(&back).unwrap();
        assert_eq!(again, v, "{text} -> {back}");
    }
    let v: Value = serde_json::from_str("[1800, 1800.0]").unwrap();
    assert_eq!(serde_json::to_string(&v).unwrap(), "[1800,1800]");
}

#[test]
fn numbers_for_messages() {
    use inactivity_core::json::format_number;
    #[track_caller]
    fn check(n: f64, want: &str) {
        assert_eq!(format_number(n), want, "{n:?}");
    }
    check(0.0, "0");
    check(-0.0, "0");
    check(1800.0, "1800");
    check(-3.0, "-3");
    check(1800.5, "1800.5");
    check(299.999, "299.999");
    check(1800.3, "1800.3");
    check(-0.25, "-0.25");
    check(0.1234567, "0.123457");
    check(300.0000000001, "300.000000…");
    check(299.9999999999, "300.000000…");
    check(999_999_999_999_999.0, "999999999999999");
    check(1e15, "1e15 or more");
    check(-1e300, "-1e15 or less");
    check(f64::NAN, "NaN");
    check(f64::INFINITY, "Infinity");
    check(f64::NEG_INFINITY, "-Infinity");
}
