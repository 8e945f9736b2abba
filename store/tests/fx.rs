//! Exchange rates in the store: a rates file read all or nothing with every bad line named,
//! rates stored and audited (a changed rate keeps the one before), and the rate in force on a
//! day being the latest on or before it.

mod common;

use chrono::NaiveDate;
use common::test_db;
use domain::Currency;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use store::fx;
use store::import::ImportError;

fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

fn day(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

/// The ECB reference rates in long form, one with an explicit base.
const RATES: &str = "date,currency,rate\n\
2026-11-27,USD,1.0812\n\
2026-11-27,GBP,0.8468\n\
2026-11-30,USD,1.0830\n\
2026-11-30,GBP,0.84705\n";

#[test]
fn a_rates_file_with_bad_lines_is_refused_whole_and_each_line_named() {
    let file = "date,currency,rate,base\n\
2026-11-27,USD,1.0812,\n\
27/11/2026,USD,1.08,EUR\n\
2026-11-28,usd,1.08,EUR\n\
2026-11-28,GBP,-0.84,EUR\n\
2026-11-28,EUR,1,EUR\n\
2026-11-27,USD,1.0813,EUR\n\
2026-11-29,JPY,1.0e2,EUR\n";
    let Err(ImportError::Rejected { errors, omitted }) =
        fx::parse_csv("rates.csv", file.as_bytes(), eur())
    else {
        panic!("accepted");
    };
    assert_eq!(omitted, 0);
    let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            "rates.csv:3: date: must be a date as YYYY-MM-DD (got \"27/11/2026\")",
            "rates.csv:4: currency: must be a three-letter currency code such as USD (got \"usd\")",
            "rates.csv:5: rate: must not be negative (got -0.84)",
            "rates.csv:6: currency: is the base itself (EUR); its rate is 1 by definition",
            "rates.csv:7: date: 2026-11-27 USD against EUR is already on line 2",
            "rates.csv:8: rate: is not a plain decimal number (got \"1.0e2\")",
        ],
        "{listed:#?}"
    );
    let Err(ImportError::Rejected { errors, .. }) =
        fx::parse_csv("r.csv", "day,ccy,fx\n".as_bytes(), eur())
    else {
        panic!("a header without the columns was accepted");
    };
    assert_eq!(errors[0].line, Some(1));
}

#[tokio::test]
async fn rates_are_stored_audited_and_found_by_day() {
    let t = test_db().await;
    let rates = fx::parse_csv("rates.csv", RATES.as_bytes(), eur()).unwrap();
    assert_eq!(rates.len(), 4);
    let done = fx::store(&t.db, "finance", &rates).await.unwrap();
    assert_eq!((done.added, done.changed, done.unchanged), (4, 0, 0));
    let usd = Currency::parse("USD").unwrap();
    // The day's own rate, the latest earlier one over a weekend, and none before the first.
    let on = |d: &str| {
        let (db, d) = (&t.db, day(d));
        async move {
            fx::rate_on(db, eur(), usd, d)
                .await
                .unwrap()
                .map(|r| (r.date, r.text()))
        }
    };
    assert_eq!(
        on("2026-11-27").await,
        Some((day("2026-11-27"), "1.0812".into()))
    );
    assert_eq!(
        on("2026-11-29").await,
        Some((day("2026-11-27"), "1.0812".into()))
    );
    assert_eq!(
        on("2026-12-03").await,
        Some((day("2026-11-30"), "1.083".into()))
    );
    assert_eq!(on("2026-11-26").await, None);

    // The same file again changes nothing; a corrected rate is updated and audited.
    let again = fx::store(&t.db, "finance", &rates).await.unwrap();
    assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 4));
    let corrected = fx::parse_csv(
        "fix.csv",
        "date,base,currency,rate\n2026-11-30,EUR,USD,1.0831\n".as_bytes(),
        Currency::parse("USD").unwrap(),
    )
    .unwrap();
    let fixed = fx::store(&t.db, "controller", &corrected).await.unwrap();
    assert_eq!((fixed.added, fixed.changed), (0, 1));
    assert_eq!(
        on("2026-11-30").await,
        Some((day("2026-11-30"), "1.0831".into()))
    );
    let trail = store::entities::audit_log::Entity::find()
        .filter(store::entities::audit_log::Column::Entity.eq("rate"))
        .order_by_asc(store::entities::audit_log::Column::Id)
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(trail.len(), 5, "four added, one changed");
    let last = trail.last().unwrap();
    assert_eq!(last.actor, "controller");
    assert_eq!(last.action, "update");
    assert_eq!(last.entity_id.as_deref(), Some("2026-11-30 EUR/USD"));
    assert_eq!(last.before, Some(serde_json::json!({ "rate": "1.083" })));
    assert_eq!(last.after, Some(serde_json::json!({ "rate": "1.0831" })));
    let listed = fx::list(&t.db, 2).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|r| r.date == day("2026-11-30")));
}
