//! A hand-computed multi-currency ledger through the store and the report service: a EUR
//! contract with a neocloud (Nebius, 1,000.00 EUR), a USD one (AWS, 2,000.00 USD), USD
//! revenue, spend under no contract in EUR, and three rate days against EUR (1 USD = …: 1.10
//! from Jan 1, 1.20 from Feb 1, 1.25 from Mar 1). Consolidated in USD, the burn-down, ratio,
//! concentration and true-up come out to the cent as computed by hand below. On SQLite, and
//! on PostgreSQL when `LEDGER_TEST_POSTGRES_URL` is set.

use reports::{CurrencyView, ReportCache, ReportError, ReportName, ReportRequest};

const VENDORS: &str = "name,kind\nNebius,neocloud\nAWS,hyperscaler\n";
const CONTRACTS: &str = "reference,vendor,start_date,end_date,committed_amount,currency\n\
    E1,Nebius,2026-01-01,2026-12-31,1000.00,EUR\n\
    U1,AWS,2026-01-01,2026-12-31,2000.00,USD\n";
const USAGE: &str = "contract,date,amount,quantity,unit,sku,vendor,currency\n\
    E1,2026-01-10,100.00,1,gpu_hour,h100,,\n\
    E1,2026-02-10,200.00,1,gpu_hour,h100,,\n\
    E1,2026-03-10,50.05,1,gpu_hour,h100,,\n\
    U1,2026-01-15,300.00,1,gpu_hour,h100,,\n\
    U1,2026-02-15,100.00,1,gpu_hour,h100,,\n\
    ,2026-03-20,10.00,1,gpu_hour,h100,Nebius,EUR\n";
const REVENUE: &str = "period_start,amount,currency\n\
    2026-01-01,1000.00,USD\n2026-02-01,1000.00,USD\n2026-03-01,500.00,USD\n";
const RATES: &str = "date,currency,rate\n\
    2026-01-01,USD,1.10\n2026-02-01,USD,1.20\n2026-03-01,USD,1.25\n";

async fn ledger() -> (store::testing::TestDatabase, sea_orm::DatabaseConnection) {
    let database = store::testing::fresh_database().await.unwrap();
    let db = store::connect(&database.url).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut sources = Vec::new();
    for (name, text) in [
        ("vendors.csv", VENDORS),
        ("contracts.csv", CONTRACTS),
        ("usage.csv", USAGE),
        ("revenue.csv", REVENUE),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        sources.push(store::ImportSource::open(&path).unwrap());
    }
    store::import_files(
        &db,
        sources,
        "test",
        std::sync::Arc::new(store::import::NoProgress),
    )
    .await
    .unwrap();
    let eur = domain::Currency::parse("EUR").unwrap();
    let rates = store::fx::parse_csv("rates.csv", RATES.as_bytes(), eur).unwrap();
    store::fx::store(&db, "test", &rates).await.unwrap();
    (database, db)
}

fn in_currency(code: &str, commitments_at: &str, as_of: Option<&str>) -> ReportRequest {
    let filters = reports::parse_filters(as_of, &[], &[], &[]).unwrap();
    ReportRequest::new(filters).in_currency(CurrencyView::parse(code, commitments_at, "").unwrap())
}

async fn csv(
    db: &sea_orm::DatabaseConnection,
    name: ReportName,
    request: &ReportRequest,
) -> String {
    reports::run(&ReportCache::default(), db, name, request)
        .await
        .unwrap()
        .table
        .to_csv_string()
}

/// Selected columns of a report's CSV, by name.
fn columns(csv: &str, wanted: &[&str]) -> Vec<String> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at: Vec<usize> = wanted
        .iter()
        .map(|w| {
            header
                .iter()
                .position(|h| h == w)
                .unwrap_or_else(|| panic!("no {w} in {header:?}"))
        })
        .collect();
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            at.iter().map(|i| cells[*i]).collect::<Vec<_>>().join(",")
        })
        .collect()
}

#[tokio::test]
async fn consolidated_in_usd_to_the_cent() {
    let (_database, db) = ledger().await;
    let usd = in_currency("USD", "", Some("2026-03-31"));

    // E1 in USD: 100 EUR × 1.10 = 110.00, 200 × 1.20 = 240.00, 50.05 × 1.25 = 62.5625;
    // committed 1,000 EUR at its start's rate (1.10) = 1,100.00.
    let burn = csv(&db, ReportName::BurnDown, &usd).await;
    assert_eq!(
        columns(
            &burn,
            &["contract", "date", "cumulative_spend", "remaining"]
        ),
        [
            "E1,2026-01-10,110.00,990.00",
            "E1,2026-02-10,350.00,750.00",
            "E1,2026-03-10,412.56,687.44",
            "U1,2026-01-15,300.00,1700.00",
            "U1,2026-02-15,400.00,1600.00",
        ]
    );

    // Infra spend per month (the spend under no contract counts: 10 EUR × 1.25 = 12.50 in
    // March) against USD revenue.
    let ratio = csv(&db, ReportName::Ratio, &usd).await;
    assert_eq!(
        columns(&ratio, &["month", "infra_spend", "revenue", "ratio"]),
        [
            "2026-01-01,410.00,1000.00,0.41",
            "2026-02-01,340.00,1000.00,0.34",
            "2026-03-01,75.06,500.00,0.150125",
        ]
    );

    // Nebius in March: 62.5625 + 12.50 = 75.0625, all of the month's spend.
    let vendors = csv(&db, ReportName::Concentration, &usd).await;
    assert_eq!(
        columns(&vendors, &["month", "vendor", "spend", "share"]),
        [
            "2026-01-01,AWS,300.00,0.7317073170731707",
            "2026-01-01,Nebius,110.00,0.2682926829268293",
            "2026-02-01,AWS,100.00,0.29411764705882354",
            "2026-02-01,Nebius,240.00,0.7058823529411765",
            "2026-03-01,Nebius,75.06,1",
        ]
    );

    // After the term the true-up is owed: 1,100.00 − 412.5625 = 687.4375 → 687.44 for E1,
    // 2,000.00 − 400.00 for U1. With commitments at the as-of rate (1.25): 1,250.00 −
    // 412.5625 = 837.4375 → 837.44.
    let after = in_currency("USD", "", Some("2027-01-15"));
    let trueup = csv(&db, ReportName::TrueUp, &after).await;
    assert_eq!(
        columns(
            &trueup,
            &["contract", "minimum", "consumed", "true_up", "status"]
        ),
        [
            "E1,1100.00,412.56,687.44,owed",
            "U1,2000.00,400.00,1600.00,owed"
        ]
    );
    let at_as_of = in_currency("USD", "as_of", Some("2027-01-15"));
    let trueup = csv(&db, ReportName::TrueUp, &at_as_of).await;
    assert_eq!(
        columns(&trueup, &["contract", "minimum", "true_up"]),
        ["E1,1250.00,837.44", "U1,2000.00,1600.00"]
    );

    // Each currency on its own (no currency asked): the amounts as recorded.
    let each =
        ReportRequest::new(reports::parse_filters(Some("2026-03-31"), &[], &[], &[]).unwrap());
    let burn = csv(&db, ReportName::BurnDown, &each).await;
    assert_eq!(
        columns(&burn, &["contract", "date", "cumulative_spend"])[..3],
        [
            "E1,2026-01-10,100.00",
            "E1,2026-02-10,300.00",
            "E1,2026-03-10,350.05"
        ]
    );
}

#[tokio::test]
async fn a_stale_rate_is_flagged_and_a_missing_one_is_a_clear_error() {
    let (_database, db) = ledger().await;
    // Into EUR, the USD spend of Feb 15 is converted at the rate of Feb 1 (14 days old) and
    // revenue of Mar 1 at Mar 1's: the stalest is Feb 15's.
    let eur = in_currency("EUR", "", Some("2026-03-31"));
    let report = reports::run(&ReportCache::default(), &db, ReportName::Ratio, &eur)
        .await
        .unwrap();
    let stale: Vec<String> = report.stale_rates.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        stale,
        ["USD on 2026-02-15 was converted at the rate of 2026-02-01 (14 days old)"]
    );
    // No GBP rate at all: the report names the currency and the day, never a zero.
    let gbp = in_currency("GBP", "", Some("2026-03-31"));
    match reports::run(&ReportCache::default(), &db, ReportName::Ratio, &gbp).await {
        Err(ReportError::BadRequest(message)) => assert!(
            message.starts_with("no exchange rate for GBP on or before 2026-01-"),
            "{message}"
        ),
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("a report in GBP without a GBP rate"),
    }
}
