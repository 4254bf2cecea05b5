//! Property tests with structured inputs (`fuzz.rs` throws random bytes; this file
//! builds inputs that are valid or nearly so, where the interesting bugs hide):
//! timestamps in every format the provider reads, `Retry-After` values, durations,
//! and msgpack values against random schemas, whose decode errors must carry the
//! attribute path. `PROPTEST_CASES` sets the depth.

use std::time::Duration;

use modelarts_provider::client::retry::{parse_retry_after, MAX_RETRY_AFTER};
use modelarts_provider::duration;
use modelarts_provider::protocol::{msgpack, AttributePath, Name, Number, Step, Type, Value};
use modelarts_provider::timefmt;
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000)
}

/// A calendar instant: (year, month, day, hour, minute, second), day valid for the month.
fn instant() -> impl Strategy<Value = (i32, u8, u8, u8, u8, u8)> {
    instant_since(1)
}

/// An instant from year `min_year` on (HTTP-dates, like RFC 2822's, start in 1900).
fn instant_since(min_year: i32) -> impl Strategy<Value = (i32, u8, u8, u8, u8, u8)> {
    (min_year..=9999, 1u8..=12).prop_flat_map(|(y, m)| {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days = match m {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (Just(y), Just(m), 1u8..=days, 0u8..24, 0u8..60, 0u8..60)
    })
}

/// Days from the epoch to a civil date (Howard Hinnant's algorithm), the oracle.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

fn millis_of((y, mo, d, h, mi, s): (i32, u8, u8, u8, u8, u8)) -> i64 {
    (days_from_civil(i64::from(y), i64::from(mo), i64::from(d)) * 86_400
        + i64::from(h) * 3600
        + i64::from(mi) * 60
        + i64::from(s))
        * 1000
}

/// Replaces the character at `at` with `with`, on a character boundary.
fn replace_char(s: &str, at: prop::sample::Index, with: char) -> String {
    let chars: Vec<char> = s.chars().collect();
    let i = at.index(chars.len().max(1));
    chars.iter().enumerate().map(|(j, c)| if j == i { with } else { *c }).collect()
}

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A primitive type, or a collection or object of smaller types.
fn schema() -> impl Strategy<Value = Type> {
    let leaf = prop_oneof![Just(Type::String), Just(Type::Number), Just(Type::Bool)];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::btree_map("[a-z]{1,6}", inner.clone(), 1..4)
                .prop_map(|attrs| Type::Object(attrs.into_iter().collect())),
            prop::collection::vec(inner, 1..3).prop_map(Type::Tuple),
        ]
    })
}

/// A value of type `ty` (nulls and unknowns included, as Terraform sends them).
fn value_of(ty: &Type) -> BoxedStrategy<Value> {
    let special = prop_oneof![Just(Value::Null), Just(Value::Unknown)];
    let known: BoxedStrategy<Value> = match ty {
        Type::String => "\\PC{0,12}".prop_map(Value::String).boxed(),
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => prop_oneof![
            any::<i64>().prop_map(|i| Value::Number(Number::Int(i))),
            (-1e300f64..1e300).prop_map(|f| Value::Number(Number::Float(f))),
        ]
        .boxed(),
        Type::List(e) => prop::collection::vec(value_of(e), 0..4).prop_map(Value::List).boxed(),
        Type::Set(e) => prop::collection::vec(value_of(e), 0..4).prop_map(Value::Set).boxed(),
        Type::Map(e) => prop::collection::btree_map("[a-z]{0,4}", value_of(e), 0..4).prop_map(Value::Map).boxed(),
        Type::Object(attrs) => {
            let fields: Vec<BoxedStrategy<(Name, Value)>> =
                attrs.iter().map(|(k, t)| (Just(k.clone()), value_of(t)).boxed()).collect();
            fields.prop_map(|f| Value::Object(f.into_iter().collect())).boxed()
        }
        Type::Tuple(ts) => ts.iter().map(value_of).collect::<Vec<_>>().prop_map(Value::Tuple).boxed(),
        Type::Dynamic => Just(Value::Null).boxed(),
    };
    prop_oneof![1 => special, 6 => known].boxed()
}

/// Paths to known primitive values reached through object attributes only, with
/// the leaf's type.
fn object_leaves(v: &Value, ty: &Type, at: &AttributePath, out: &mut Vec<(AttributePath, Type)>) {
    match (v, ty) {
        (Value::Object(m), Type::Object(attrs)) => {
            for (k, t) in attrs {
                if let Some(x) = m.get(k.as_str()) {
                    object_leaves(x, t, &at.then_attr(k), out);
                }
            }
        }
        (Value::String(_) | Value::Number(_) | Value::Bool(_), t) => out.push((at.clone(), t.clone())),
        _ => {}
    }
}

/// `ty` with the primitive at `path` (object attributes only) replaced by `with`.
fn retyped(ty: &Type, path: &[Step], with: &Type) -> Type {
    match (ty, path) {
        (_, []) => with.clone(),
        (Type::Object(attrs), [Step::Attr(k), rest @ ..]) => {
            let mut attrs = attrs.clone();
            if let Some(t) = attrs.get(k).cloned() {
                attrs.insert(k.clone(), retyped(&t, rest, with));
            }
            Type::Object(attrs)
        }
        (t, _) => t.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn every_timestamp_format_reads_back_the_instant(t in instant()) {
        let (y, mo, d, h, mi, s) = t;
        let ms = millis_of(t);
        prop_assert_eq!(timefmt::parse_rfc3339(&format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")), Some(ms));
        prop_assert_eq!(timefmt::parse_rfc3339(&format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.250+00:00")), Some(ms + 250));
        prop_assert_eq!(timefmt::parse_sdk_date(&format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")), Some(ms));
        prop_assert_eq!(timefmt::parse_go_utc(&format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")), Some(ms));
        // And what the provider writes, it reads.
        prop_assert_eq!(timefmt::rfc3339(ms).as_deref().and_then(timefmt::parse_rfc3339), Some(ms));
        prop_assert_eq!(timefmt::sdk_date(ms).as_deref().and_then(timefmt::parse_sdk_date), Some(ms));
        prop_assert_eq!(timefmt::go_utc(ms).as_deref().and_then(timefmt::parse_go_utc), Some(ms));
    }

    #[test]
    fn a_damaged_timestamp_is_refused_or_read_never_a_panic(t in instant(), at in any::<prop::sample::Index>(), c in prop_oneof![Just('\u{e9}'), Just('\u{1f600}'), Just('x'), Just(' '), Just('9'), Just(':')]) {
        let (y, mo, d, h, mi, s) = t;
        for text in [
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}+01:30"),
            format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z"),
            format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC"),
        ] {
            let damaged = replace_char(&text, at, c);
            let _ = timefmt::parse_rfc3339(&damaged);
            let _ = timefmt::parse_sdk_date(&damaged);
            let _ = timefmt::parse_go_utc(&damaged);
            let _ = timefmt::parse_http_date(&damaged);
        }
    }

    #[test]
    fn impossible_days_are_refused(y in 1i32..=9999, mo in prop_oneof![Just(2u8), Just(4), Just(6), Just(9), Just(11)], d in 30u8..=31) {
        let day_exists = mo != 2 && d == 30;
        prop_assert_eq!(timefmt::parse_rfc3339(&format!("{y:04}-{mo:02}-{d:02}T00:00:00Z")).is_some(), day_exists);
        prop_assert_eq!(timefmt::parse_sdk_date(&format!("{y:04}{mo:02}{d:02}T000000Z")).is_some(), day_exists);
    }

    #[test]
    fn millis_out_of_range_format_as_none_not_a_panic(ms in any::<i64>()) {
        let _ = timefmt::rfc3339(ms);
        let _ = timefmt::sdk_date(ms);
        let _ = timefmt::go_utc(ms);
    }

    #[test]
    fn retry_after_is_bounded_whatever_the_number(
        mantissa in any::<f64>(),
        exponent in -400i32..400,
        int in any::<i64>(),
        now in 0i64..4_102_444_800_000,
    ) {
        for text in [format!("{mantissa}"), format!("{mantissa}e{exponent}"), format!("{int}"), format!(" {int} "), format!("{}", int as f64 * 1e10)] {
            if let Some(d) = parse_retry_after(text.as_bytes(), now) {
                prop_assert!(d <= MAX_RETRY_AFTER, "{text} gave {d:?}");
            }
        }
    }

    #[test]
    fn retry_after_dates_count_from_now(t in instant_since(1900), now_offset in -10_000i64..10_000) {
        let (y, mo, d, h, mi, s) = t;
        let ms = millis_of(t);
        let weekday = WEEKDAYS[(ms.div_euclid(86_400_000)).rem_euclid(7) as usize];
        let text = format!("{weekday}, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} GMT", MONTHS[usize::from(mo) - 1]);
        let now = ms - now_offset * 1000;
        let expected = Duration::from_secs(now_offset.clamp(0, MAX_RETRY_AFTER.as_secs() as i64) as u64);
        prop_assert_eq!(parse_retry_after(text.as_bytes(), now), Some(expected));
    }

    #[test]
    fn retry_after_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..40), now in any::<i64>()) {
        if let Some(d) = parse_retry_after(&bytes, now) {
            prop_assert!(d <= MAX_RETRY_AFTER);
        }
    }

    #[test]
    fn durations_parse_to_their_sum_and_format_back(parts in prop::collection::vec((0u64..500, prop_oneof![Just("h"), Just("m"), Just("s")]), 1..4)) {
        let text: String = parts.iter().map(|(n, u)| format!("{n}{u}")).collect();
        let secs: u64 = parts.iter().map(|(n, u)| n * match *u { "h" => 3600, "m" => 60, _ => 1 }).sum();
        let d = duration::parse(&text).unwrap();
        prop_assert_eq!(d, Duration::from_secs(secs));
        prop_assert_eq!(duration::parse(&duration::format(d)).unwrap(), d);
    }

    #[test]
    fn damaged_durations_never_panic(text in "[0-9.hms\u{e9} ]{0,12}") {
        if let Ok(d) = duration::parse(&text) {
            prop_assert!(d.as_secs_f64() <= 1e9);
        }
    }

    #[test]
    fn msgpack_round_trips_any_value_of_any_schema((ty, v) in schema().prop_flat_map(|t| (Just(t.clone()), value_of(&t)))) {
        let bytes = msgpack::encode(&v, &ty).unwrap();
        prop_assert_eq!(msgpack::decode(&bytes, &ty).unwrap(), v);
    }

    #[test]
    fn msgpack_errors_name_the_attribute(
        (ty, v) in prop::collection::btree_map("[a-z]{1,6}", schema(), 1..4)
            .prop_map(|mut attrs| {
                // At least one known primitive, so there is always a leaf to break.
                attrs.insert("zz_leaf".into(), Type::Number);
                Type::Object(attrs.into_iter().collect())
            })
            .prop_flat_map(|t| {
                let Type::Object(attrs) = &t else { unreachable!() };
                let fields: Vec<BoxedStrategy<(Name, Value)>> = attrs
                    .iter()
                    .map(|(k, t)| (Just(k.clone()), if k == "zz_leaf" { Just(Value::int(7)).boxed() } else { value_of(t) }).boxed())
                    .collect();
                (Just(t.clone()), fields.prop_map(|f| Value::Object(f.into_iter().collect())))
            }),
        pick in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let bytes = msgpack::encode(&v, &ty).unwrap();
        // A truncated value is an error, never a panic.
        let _ = msgpack::decode(&bytes[..cut.index(bytes.len())], &ty);
        let mut leaves = Vec::new();
        object_leaves(&v, &ty, &AttributePath::root(), &mut leaves);
        let (path, leaf) = &leaves[pick.index(leaves.len())];
        let wrong = match leaf { Type::Bool => Type::Number, _ => Type::Bool };
        let err = msgpack::decode(&bytes, &retyped(&ty, &path.0, &wrong)).unwrap_err();
        prop_assert_eq!(&err.path, path, "{}", err);
        prop_assert!(err.to_string().contains(&format!("at {path}:")), "{}", err);
    }
}
