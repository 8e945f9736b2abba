//! The plan-driven forecast through import, the store and the report service, against figures
//! computed by hand: P (USD, 1,000,000.00 over 2026) has 10 GB200s received on Jan 1 (0.014
//! MW stated) and 20 more planned for Jul 1 (0.028 MW), a card of $2.00 per GPU-hour, and
//! 10,000.00 spent in January; E (EUR) has 10 GB300s received on Jan 1 and a card of €1.00 at
//! 50%, with 1 EUR = 1.10 USD from Jan 1. As of Jun 30. On SQLite, and
//! on PostgreSQL when `LEDGER_TEST_POSTGRES_URL` is set.

use reports::{CurrencyView, ReportCache, ReportName, ReportRequest};

const VENDORS: &str = "name,kind\nAWS,hyperscaler\nNebius,neocloud\n";
const CONTRACTS: &str = "reference,vendor,start_date,end_date,committed_amount,currency\n\
    P,AWS,2026-01-01,2026-12-31,1000000.00,USD\n\
    E,Nebius,2026-01-01,2026-12-31,500000.00,EUR\n";
const DELIVERIES: &str =
    "contract,phase,resource,region,planned_date,planned_quantity,planned_power_mw\n\
    P,first,GB200,,2026-01-01,10,0.014\n\
    P,second,GB200,,2026-07-01,20,0.028\n\
    E,hall,GB300,,2026-01-01,10,\n";
const RECEIPTS: &str = "contract,phase,date,quantity,note\n\
    P,first,2026-01-01,10,\n\
    E,hall,2026-01-01,10,\n";
const USAGE: &str = "contract,date,amount,quantity,unit,sku,vendor,currency\n\
    P,2026-01-31,10000.00,1,gpu_hour,gb200,,\n";
const CARDS: &str = "contract,resource,from,price,utilisation\n\
    P,GB200,2026-01-01,2.00,\n\
    E,GB300,2026-01-01,1.00,50\n";
const RATES: &str = "date,currency,rate\n2026-01-01,USD,1.10\n";

async fn ledger() -> (store::testing::TestDatabase, sea_orm::DatabaseConnection) {
    let database = store::testing::fresh_database().await.unwrap();
    let db = store::connect(&database.url).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut sources = Vec::new();
    for (name, text) in [
        ("vendors.csv", VENDORS),
        ("contracts.csv", CONTRACTS),
        ("deliveries.csv", DELIVERIES),
        ("receipts.csv", RECEIPTS),
        ("usage.csv", USAGE),
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
    let cards = store::rate_cards::read_csv(&db, "cards.csv", CARDS.as_bytes())
        .await
        .unwrap();
    store::rate_cards::store(&db, "test", &cards).await.unwrap();
    let eur = domain::Currency::parse("EUR").unwrap();
    let rates = store::fx::parse_csv("rates.csv", RATES.as_bytes(), eur).unwrap();
    store::fx::store(&db, "test", &rates).await.unwrap();
    (database, db)
}

fn as_of_june() -> ReportRequest {
    ReportRequest::new(reports::parse_filters(Some("2026-06-30"), &[], &[], &[]).unwrap())
}

async fn rows(
    db: &sea_orm::DatabaseConnection,
    name: ReportName,
    request: &ReportRequest,
    wanted: &[&str],
) -> Vec<String> {
    let csv = reports::run(&ReportCache::default(), db, name, request)
        .await
        .unwrap()
        .table
        .to_csv_string();
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
async fn the_plan_forecast_beside_the_run_rate_to_the_cent() {
    let (_database, db) = ledger().await;
    let wanted = [
        "contract",
        "run_rate_total",
        "plan_remaining",
        "plan_total",
        "plan_shortfall",
        "gpus_online",
        "gpus_to_come",
        "mw_online",
        "mw_to_come",
    ];
    // P: Jul 1 – Dec 31 is 184 days of 30 GPUs × 24 h × $2.00 = $1,440: 264,960.00; the
    // run-rate saw nothing in the 90 days to Jun 30. E: 184 days × 10 × 24 × €1.00 × 50%.
    assert_eq!(
        rows(&db, ReportName::PlanForecast, &as_of_june(), &wanted).await,
        [
            "E,0.00,22080.00,22080.00,477920.00,10,0,0,0",
            "P,10000.00,264960.00,274960.00,725040.00,10,20,0.014,0.028",
        ]
    );
    // The true-up under each method: the whole term is one interval.
    assert_eq!(
        rows(
            &db,
            ReportName::TrueUp,
            &as_of_june(),
            &[
                "contract",
                "projected",
                "true_up",
                "plan_projected",
                "plan_true_up"
            ]
        )
        .await,
        [
            "E,0.00,500000.00,22080.00,477920.00",
            "P,10000.00,990000.00,274960.00,725040.00"
        ]
    );
}

#[tokio::test]
async fn a_delay_and_a_utilisation_move_the_plan_and_a_consolidated_view_converts_the_card() {
    let (_database, db) = ledger().await;
    let scenario = domain::scenario::Scenario {
        name: "Late and idle".into(),
        utilisation_bp: Some(5_000),
        phase_delays: vec![domain::scenario::PhaseDelay {
            contract: "P".into(),
            phase: "second".into(),
            months: 3,
        }],
        ..Default::default()
    };
    let mut request = as_of_june();
    request.scenario = Some(std::sync::Arc::new(scenario));
    // P: Jul 1 – Sep 30 (92 days) at 10 GPUs, Oct 1 – Dec 31 (92) at 30, × 24 × $2 × 50%:
    // 92 × 240 + 92 × 720 = 88,320.00. E: 50% already.
    assert_eq!(
        rows(
            &db,
            ReportName::PlanForecast,
            &request,
            &["contract", "plan_remaining"]
        )
        .await,
        ["E,22080.00", "P,88320.00"]
    );
    // In USD, E's card is $1.10 per GPU-hour at the as-of date's rate: 22,080.00 × 1.1.
    let usd = as_of_june().in_currency(CurrencyView::parse("USD", "", "").unwrap());
    assert_eq!(
        rows(
            &db,
            ReportName::PlanForecast,
            &usd,
            &["contract", "plan_remaining"]
        )
        .await,
        ["E,24288.00", "P,264960.00"]
    );
}

#[tokio::test]
async fn capacity_and_its_price_per_gpu_hour() {
    let (_database, db) = ledger().await;
    let capacity = rows(
        &db,
        ReportName::Capacity,
        &as_of_june(),
        &[
            "vendor",
            "resource",
            "month",
            "planned",
            "delivered",
            "expected",
        ],
    )
    .await;
    // AWS's GB200s: 10 in January, 30 planned and expected from July (not delivered: after
    // the as-of month); its MW likewise; Nebius's GB300s.
    assert!(
        capacity.contains(&"AWS,GB200,2026-01-01,10,10,10".to_owned()),
        "{capacity:?}"
    );
    assert!(
        capacity.contains(&"AWS,GB200,2026-07-01,30,,30".to_owned()),
        "{capacity:?}"
    );
    assert!(
        capacity.contains(&"AWS,MW,2026-07-01,0.042,,0.042".to_owned()),
        "{capacity:?}"
    );
    assert!(
        capacity.contains(&"Nebius,GB300,2026-06-01,10,10,10".to_owned()),
        "{capacity:?}"
    );
    // January: 10 GPUs × 24 × 31 = 7,440 GPU-hours; 10,000.00 ÷ 7,440 = 1.344… a GPU-hour,
    // the card $2.00.
    let cost = rows(
        &db,
        ReportName::CapacityCost,
        &as_of_june(),
        &[
            "contract",
            "month",
            "gpu_hours",
            "effective_per_gpu_hour",
            "card_per_gpu_hour",
        ],
    )
    .await;
    assert!(
        cost.contains(&"E,2026-01-01,7440,0.00,0.50".to_owned()),
        "{cost:?}"
    );
    assert!(
        cost.contains(&"P,2026-01-01,7440,1.34,2.00".to_owned()),
        "{cost:?}"
    );
}
