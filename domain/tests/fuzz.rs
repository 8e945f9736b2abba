//! Fuzzing of the value parsers and form validators (issue 8): whatever text arrives, they
//! answer without panicking, every rejection is a reason a person can act on, and the values
//! they accept mean what they say (round trips, exact overflow and calendar boundaries).
//!
//! Bounded: each property runs `DEFAULT_CASES` cases; set `FUZZ_CASES=N` to run N instead for
//! a longer local run (`FUZZ_CASES=20000 cargo test -p domain --test fuzz`). A failing case is
//! shrunk and appended to `fuzz.proptest-regressions` beside this file; commit that file and
//! every later run replays it first.

use chrono::Datelike;
use domain::date::{parse_iso_date, parse_period_start};
use domain::decimal::{format_scaled, parse_scaled};
use domain::entries::{RawContract, RawPhase, RawReceipt, RawRevenue, RawUsage, RawVendor};
use domain::{
    Currency, FieldError, Money, NewContract, NewPhase, NewReceipt, NewRevenue, NewUsage,
    NewVendor, Quantity,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const DEFAULT_CASES: u32 = 1024;

fn config() -> ProptestConfig {
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fuzz.proptest-regressions"
        )))),
        ..ProptestConfig::default()
    }
}

// ---- what a clear rejection is -------------------------------------------------------------

/// A reason follows its column name ("amount: is not a plain decimal number (got \"x\")"), so
/// it must read as the rest of that sentence, on one line (the importer lists one error a
/// line), and its own words (not the echoed input) must be free of programmer debris.
fn check_reason(reason: &str) -> Result<(), TestCaseError> {
    prop_assert!(!reason.trim().is_empty(), "empty reason");
    prop_assert_eq!(reason.trim(), reason, "reason has stray whitespace");
    prop_assert!(
        reason.chars().next().is_some_and(char::is_alphanumeric),
        "reason does not start with a word: {:?}",
        reason
    );
    prop_assert!(
        !reason.chars().any(char::is_control),
        "reason spans lines or holds control characters: {:?}",
        reason
    );
    let own_words = reason
        .split(" (got ")
        .next()
        .and_then(|s| s.split('"').next())
        .unwrap_or(reason);
    for debris in ["Error", "Some(", "None", "panicked", "unwrap", "{", "}"] {
        prop_assert!(
            !own_words.contains(debris),
            "reason reads like a program: {:?}",
            reason
        );
    }
    Ok(())
}

fn check_field_errors(errors: &[FieldError], columns: &[&str]) -> Result<(), TestCaseError> {
    prop_assert!(!errors.is_empty(), "rejected without a reason");
    for e in errors {
        prop_assert!(
            columns.contains(&e.column.as_str()),
            "unknown column {:?}",
            e.column
        );
        check_reason(&e.reason)?;
    }
    let named: std::collections::HashSet<_> = errors.iter().map(|e| &e.column).collect();
    prop_assert_eq!(named.len(), errors.len(), "a column reported twice");
    Ok(())
}

// ---- generators ------------------------------------------------------------------------------

/// Text a user, a spreadsheet or an attacker might type into any field.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,12}",
        // Decimal look-alikes: signs, exponents, separators, padding.
        "[ \t]{0,2}[-+]{0,2}[0-9]{0,25}([.,_][0-9]{0,9}){0,2}([eE][-+]?[0-9]{1,3})?[ \t\n]{0,2}",
        // Huge digit strings.
        "-?[0-9]{15,400}(\\.[0-9]{0,8})?",
        // Non-ASCII digits and look-alike punctuation.
        "[\\p{Nd}\u{2212}\u{ff0e}\u{a0}.-]{0,12}",
        // Date look-alikes.
        "[0-9]{0,5}[-/.]?[0-9]{0,3}[-/.]?[0-9]{0,3}",
        "[ \u{a0}\u{feff}]{0,2}[0-9]{4}-[0-9]{2}-[0-9]{2}[ \u{3000}]{0,2}",
        // A sign, then anything (signs are looked at before the rest).
        "[-+]\\PC{0,8}",
        "-[\\x00-\\x1f\\x7f]{1,3}[0-9]{0,3}",
        // Capitals and words for currencies and the enum columns.
        "[A-Za-z$€]{0,5}",
        "[a-z_]{0,12}",
        // Control characters and very long text.
        "[\\x00-\\x1f\\x7f]{1,4}",
        "[a-z ]{190,4100}",
    ]
}

// ---- decimal, money and quantity -----------------------------------------------------------

/// Exactly `n` decimal digits.
fn digits(n: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::char::range('0', '9'), n).prop_map(String::from_iter)
}

/// The scaled value of `whole.frac` by plain i128 arithmetic (no code shared with the
/// parser), or None when it does not fit an i64. At most 34 digits: i128 holds them.
fn expected_scaled(negative: bool, whole: &str, frac: &str, places: u32) -> Option<i64> {
    let mut v: i128 = 0;
    for c in whole.chars().chain(frac.chars()) {
        v = v * 10 + i128::from(c.to_digit(10)?);
    }
    v *= 10_i128.pow(places - frac.len() as u32);
    let v = i64::try_from(v).ok()?;
    Some(if negative { -v } else { v })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn decimals_never_panic_and_explain_rejections(
        raw in any_text(),
        places in 0u32..=6,
        allow_negative in any::<bool>(),
    ) {
        match parse_scaled(&raw, places, allow_negative) {
            Ok(v) => {
                prop_assert!(allow_negative || v >= 0);
                // Whatever was accepted formats to a canonical form that parses back.
                let canonical = format_scaled(v, places);
                prop_assert_eq!(parse_scaled(&canonical, places, allow_negative), Ok(v));
            }
            Err(reason) => check_reason(&reason)?,
        }
    }

    #[test]
    fn generated_decimals_round_trip_or_overflow_cleanly(
        negative in any::<bool>(),
        whole in "[0-9]{1,22}",
        frac_len in 0usize..=6,
        frac_digits in "[0-9]{6}",
        places in 0u32..=6,
        padding in "[ \t]{0,2}",
    ) {
        let frac = &frac_digits[..frac_len.min(places as usize)];
        let raw = format!(
            "{padding}{}{whole}{}{frac}{padding}",
            if negative { "-" } else { "" },
            if frac.is_empty() { "" } else { "." }
        );
        let parsed = parse_scaled(&raw, places, true);
        match expected_scaled(negative, &whole, frac, places) {
            Some(expected) => {
                prop_assert_eq!(&parsed, &Ok(expected), "{:?}", raw);
                // Formatting then parsing gives the same value back.
                prop_assert_eq!(parse_scaled(&format_scaled(expected, places), places, true), Ok(expected));
                if negative && expected != 0 {
                    prop_assert!(parse_scaled(&raw, places, false).unwrap_err().contains("negative"));
                }
            }
            None => {
                let reason = parsed.expect_err("an overflow must be rejected");
                prop_assert!(reason.contains("too large"), "{}", reason);
            }
        }
    }

    #[test]
    fn formatted_values_parse_back(value in any::<i64>(), places in 0u32..=6) {
        // i64::MIN has no positive twin; the parser keeps amounts symmetric.
        prop_assume!(value != i64::MIN);
        prop_assert_eq!(parse_scaled(&format_scaled(value, places), places, true), Ok(value));
    }

    #[test]
    fn more_places_than_allowed_are_rejected(
        (places, frac) in (0u32..=6, 1usize..=3)
            .prop_flat_map(|(p, extra)| (Just(p), digits(p as usize + extra))),
        whole in "[0-9]{1,6}",
    ) {
        let reason = parse_scaled(&format!("{whole}.{frac}"), places, true).unwrap_err();
        prop_assert!(reason.contains(&format!("more than {places} decimal")), "{}", reason);
    }

    #[test]
    fn money_and_quantities_are_the_decimal_rules(raw in any_text()) {
        let usd = Currency::parse("USD").unwrap();
        prop_assert_eq!(
            Money::parse(&raw, usd).map(|m| m.minor()),
            parse_scaled(&raw, 2, true)
        );
        prop_assert_eq!(
            Money::parse_non_negative(&raw, usd).map(|m| m.minor()),
            parse_scaled(&raw, 2, false)
        );
        match Quantity::parse(&raw) {
            Ok(q) => {
                prop_assert_eq!(Ok(q.micros()), parse_scaled(&raw, 6, false));
                prop_assert_eq!(Quantity::parse(&q.to_string()), Ok(q));
            }
            Err(reason) => check_reason(&reason)?,
        }
        if let Ok(m) = Money::parse(&raw, usd) {
            prop_assert_eq!(Money::parse(&m.amount_string(), usd), Ok(m));
        }
    }

    #[test]
    fn currencies_are_three_capitals(raw in any_text()) {
        let trimmed = raw.trim();
        let expected = trimmed.len() == 3 && trimmed.bytes().all(|b| b.is_ascii_uppercase());
        match Currency::parse(&raw) {
            Ok(c) => {
                prop_assert!(expected, "{:?} accepted", raw);
                prop_assert_eq!(c.as_str(), trimmed);
            }
            Err(reason) => {
                prop_assert!(!expected, "{:?} rejected", raw);
                check_reason(&reason)?;
            }
        }
    }
}

// ---- dates -----------------------------------------------------------------------------------

/// Days in a month by the Gregorian rule, written out independently of chrono.
fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn valid_ymd() -> impl Strategy<Value = (i32, u32, u32)> {
    (0i32..=9999, 1u32..=12).prop_flat_map(|(y, m)| (Just(y), Just(m), 1..=days_in_month(y, m)))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn dates_never_panic_and_explain_rejections(raw in any_text()) {
        match parse_iso_date(&raw) {
            Ok(date) => prop_assert_eq!(date.format("%Y-%m-%d").to_string(), raw.trim()),
            Err(reason) => check_reason(&reason)?,
        }
        match parse_period_start(&raw) {
            Ok(date) => prop_assert_eq!(date.day(), 1),
            Err(reason) => check_reason(&reason)?,
        }
    }

    #[test]
    fn real_dates_round_trip((y, m, d) in valid_ymd(), padding in "[ \t]{0,2}") {
        let raw = format!("{padding}{y:04}-{m:02}-{d:02}{padding}");
        let date = parse_iso_date(&raw).unwrap();
        prop_assert_eq!((date.year(), date.month(), date.day()), (y, m, d));
        prop_assert_eq!(date.format("%Y-%m-%d").to_string(), raw.trim());
        prop_assert_eq!(parse_period_start(&raw).is_ok(), d == 1);
    }

    #[test]
    fn impossible_months_and_days_are_rejected(
        y in 0i32..=9999,
        m in 0u32..=99,
        d in 0u32..=99,
    ) {
        prop_assume!(!(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m));
        let reason = parse_iso_date(&format!("{y:04}-{m:02}-{d:02}")).unwrap_err();
        prop_assert!(reason.contains("not a real calendar date"), "{}", reason);
    }

    #[test]
    fn other_date_shapes_are_rejected((y, m, d) in valid_ymd(), shape in 0usize..5) {
        let raw = match shape {
            0 => format!("{y}-{m}-{d}"),
            1 => format!("{d:02}/{m:02}/{y:04}"),
            2 => format!("{y:04}{m:02}{d:02}"),
            3 => format!("{y:04}-{m:02}-{d:02}T00:00"),
            _ => format!("{y:04}.{m:02}.{d:02}"),
        };
        if shape == 0 && raw.len() == 10 {
            return Ok(()); // two-digit month and day: that one is ISO.
        }
        let reason = parse_iso_date(&raw).unwrap_err();
        prop_assert!(reason.contains("YYYY-MM-DD"), "{}", reason);
    }
}

// ---- form validators -------------------------------------------------------------------------

/// A validator seen as a form: its columns, a known-good entry and the check, all field by
/// field in column order.
#[derive(Debug)]
struct Form {
    columns: &'static [&'static str],
    good: &'static [&'static str],
    validate: fn(&[&str]) -> Result<(), Vec<FieldError>>,
}

const FORMS: &[Form] = &[
    Form {
        columns: &["name", "kind"],
        good: &["Lambda", "neocloud"],
        validate: |f| {
            NewVendor::parse(&RawVendor {
                name: f[0],
                kind: f[1],
            })
            .map(drop)
        },
    },
    Form {
        columns: &[
            "reference",
            "vendor",
            "start_date",
            "end_date",
            "committed_amount",
            "currency",
            "title",
            "commitment_model",
            "fulfillment_interval",
            "notes",
        ],
        good: &[
            "AWS-2025-001",
            "AWS",
            "2025-11-03",
            "2032-11-02",
            "38000000000.00",
            "USD",
            "GB200 capacity",
            "burn_down",
            "annual",
            "signed, \"late\"",
        ],
        validate: |f| {
            NewContract::parse(&RawContract {
                reference: f[0],
                vendor: f[1],
                start_date: f[2],
                end_date: f[3],
                committed_amount: f[4],
                currency: f[5],
                title: f[6],
                commitment_model: f[7],
                fulfillment_interval: f[8],
                notes: f[9],
            })
            .map(drop)
        },
    },
    Form {
        columns: &[
            "contract",
            "phase",
            "resource",
            "region",
            "planned_date",
            "planned_quantity",
            "planned_power_mw",
        ],
        good: &[
            "C1",
            "initial",
            "GB200",
            "us-east-1",
            "2026-02-01",
            "100.5",
            "150",
        ],
        validate: |f| {
            NewPhase::parse(&RawPhase {
                contract: f[0],
                phase: f[1],
                resource: f[2],
                region: f[3],
                planned_date: f[4],
                planned_quantity: f[5],
                planned_power_mw: f[6],
            })
            .map(drop)
        },
    },
    Form {
        columns: &["contract", "phase", "date", "quantity", "note", "power_mw"],
        good: &["C1", "initial", "2026-02-03", "60", "first racks", "12.5"],
        validate: |f| {
            NewReceipt::parse(&RawReceipt {
                contract: f[0],
                phase: f[1],
                date: f[2],
                quantity: f[3],
                note: f[4],
                power_mw: f[5],
            })
            .map(drop)
        },
    },
    Form {
        columns: &["contract", "date", "amount", "quantity", "unit", "sku"],
        good: &["C1", "2026-01-05", "-12.50", "10", "gpu_hour", "gb200"],
        validate: |f| {
            NewUsage::parse(&RawUsage {
                contract: f[0],
                vendor: "",
                currency: "",
                date: f[1],
                amount: f[2],
                quantity: f[3],
                unit: f[4],
                sku: f[5],
                commitment: "",
            })
            .map(drop)
        },
    },
    Form {
        columns: &["period_start", "amount", "currency"],
        good: &["2026-01-01", "900.00", "USD"],
        validate: |f| {
            NewRevenue::parse(&RawRevenue {
                period_start: f[0],
                amount: f[1],
                currency: f[2],
            })
            .map(drop)
        },
    },
];

impl Form {
    fn check(&self, fields: &[String]) -> Result<(), Vec<FieldError>> {
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        (self.validate)(&fields)
    }

    fn good_fields(&self) -> Vec<String> {
        self.good.iter().map(|s| s.to_string()).collect()
    }
}

/// A value that breaks the rule of `column` whatever the other fields hold, built from the
/// rules as the README states them rather than by asking the parsers.
/// Garbage for `column`; `usage` for the usage form, whose amounts keep six places and whose
/// quantities may be negative (refunds).
fn garbage_for(column: &'static str, usage: bool) -> BoxedStrategy<String> {
    // Letters around the control character, or trimming would take it away.
    let control = "[a-z]{1,3}[\\x00-\\x08\\x0a-\\x1f\\x7f][a-z]{1,3}";
    let too_long = |max: usize| "x".repeat(max + 1);
    let required = prop_oneof![
        Just(String::new()),
        "[ \t]{1,4}",
        control,
        Just(too_long(200))
    ]
    .boxed();
    let optional = |max: usize| prop_oneof![control.prop_map(String::from), Just(too_long(max))];
    let not_a_date = prop_oneof![
        any::<String>().prop_filter("ISO-shaped", |s| {
            let b = s.trim().as_bytes();
            !(b.len() == 10 && b[4] == b'-' && b[7] == b'-')
        }),
        "[0-9]{2}/[0-9]{2}/[0-9]{4}",
        "[0-9]{4}-(1[3-9]|[2-9][0-9]|00)-[0-9]{2}",
        "[0-9]{4}-[0-9]{2}-(3[2-9]|[4-9][0-9]|00)",
        Just("2026-02-30".to_owned()),
        Just("2025-02-29".to_owned()),
    ];
    let not_a_decimal = prop_oneof![
        Just(String::new()),
        "[a-z]{1,5}",
        "[0-9]{1,3}[eE][0-9]",
        "\\+[0-9]{1,3}",
        "[0-9]{1,3},[0-9]{3}",
        "[0-9]{1,3}\\.",
        "\\.[0-9]{1,3}",
        "[1-9][0-9]{19,40}",
    ];
    let not_money = |negative_ok: bool| {
        let negative = if negative_ok {
            "[a-z]"
        } else {
            "-[0-9]{1,5}(\\.[0-9]{1,2})?"
        };
        prop_oneof![not_a_decimal.clone(), "[0-9]{1,4}\\.[0-9]{3,6}", negative]
    };
    let not_a_word = |words: &'static [&'static str]| {
        "[A-Za-z_ ]{1,12}".prop_filter("a real word", move |s| {
            let s = s.trim();
            !s.is_empty() && !words.contains(&s)
        })
    };
    match column {
        "name" | "reference" | "vendor" | "contract" | "phase" | "resource" | "unit" => required,
        "title" | "region" | "sku" => optional(200).boxed(),
        "notes" | "note" => optional(4000).boxed(),
        "start_date" | "end_date" | "planned_date" | "date" => not_a_date.boxed(),
        "period_start" => prop_oneof![not_a_date, "2026-0[1-9]-(0[2-9]|1[0-9]|2[0-8])"].boxed(),
        // Blank is allowed: a contract whose commitments are all given separately.
        "committed_amount" => not_money(false)
            .prop_filter("not blank", |s| !s.trim().is_empty())
            .boxed(),
        "amount" | "quantity" if usage => {
            prop_oneof![not_a_decimal.clone(), "-?[0-9]{1,4}\\.[0-9]{7,9}", "[a-z]"].boxed()
        }
        "amount" => not_money(true).boxed(),
        // Blank is allowed: power is stated only where the contract states it.
        "planned_power_mw" | "power_mw" => prop_oneof![
            "[a-z]{1,5}",
            "[0-9]{1,4}\\.[0-9]{7,9}",
            "-[0-9]{1,5}(\\.[0-9]{1,6})?"
        ]
        .boxed(),
        "quantity" | "planned_quantity" => prop_oneof![
            not_a_decimal,
            "[0-9]{1,4}\\.[0-9]{7,9}",
            "-[0-9]{1,5}(\\.[0-9]{1,6})?"
        ]
        .boxed(),
        "currency" => prop_oneof![
            "[a-z]{3}",
            "[A-Z]{0,2}",
            "[A-Z]{4,6}",
            Just("U$D".to_owned())
        ]
        .boxed(),
        "kind" => not_a_word(&["hyperscaler", "neocloud", "colocation", "other"]).boxed(),
        "commitment_model" => not_a_word(&["build_up", "burn_down"]).boxed(),
        "fulfillment_interval" => not_a_word(&["term", "annual", "quarterly", "monthly"]).boxed(),
        other => unreachable!("no garbage for {other}"),
    }
}

/// A form, one of its fields, and garbage for that field.
fn form_with_one_bad_field() -> impl Strategy<Value = (&'static Form, usize, String)> {
    prop::sample::select(FORMS.iter().collect::<Vec<_>>())
        .prop_flat_map(|form| (Just(form), 0..form.columns.len()))
        .prop_flat_map(|(form, field)| {
            let usage = form.columns.contains(&"sku");
            (
                Just(form),
                Just(field),
                garbage_for(form.columns[field], usage),
            )
        })
}

fn form_with_any_fields() -> impl Strategy<Value = (&'static Form, Vec<String>)> {
    prop::sample::select(FORMS.iter().collect::<Vec<_>>()).prop_flat_map(|form| {
        (
            Just(form),
            prop::collection::vec(any_text(), form.columns.len()),
        )
    })
}

#[test]
fn known_good_forms_are_accepted() {
    for form in FORMS {
        assert_eq!(form.check(&form.good_fields()), Ok(()), "{:?}", form.good);
        // Padding changes nothing: every field is trimmed.
        let padded: Vec<String> = form.good.iter().map(|s| format!(" {s}\t")).collect();
        assert_eq!(form.check(&padded), Ok(()), "{padded:?}");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn validators_never_panic_and_name_known_columns((form, fields) in form_with_any_fields()) {
        if let Err(errors) = form.check(&fields) {
            check_field_errors(&errors, form.columns)?;
        }
    }

    #[test]
    fn one_bad_field_is_named_alone((form, field, garbage) in form_with_one_bad_field()) {
        let mut fields = form.good_fields();
        fields[field] = garbage;
        let result = form.check(&fields);
        prop_assert!(result.is_err(), "{:?} accepted as {}", fields[field], form.columns[field]);
        let errors = result.unwrap_err();
        check_field_errors(&errors, form.columns)?;
        let named: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        prop_assert_eq!(named, vec![form.columns[field]]);
    }
}
