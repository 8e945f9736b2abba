//! After any sequence of usage writes (new days, more on a day, refunds, corrections that move
//! an entry to another contract or day or off every contract), the reports a long-lived cache
//! gives — refreshed day by day from the audit trail — equal the reports of a full recompute.
//! On SQLite, and on PostgreSQL when `LEDGER_TEST_POSTGRES_URL` is set.

use proptest::prelude::*;
use reports::{ReportCache, ReportName, ReportRequest};
use std::path::Path;

const CONTRACTS: &str = "reference,vendor,start_date,end_date,committed_amount,currency\n\
    C1,A,2026-01-01,2026-12-31,1000.00,USD\n\
    C2,B,2026-01-01,2027-12-31,3000.00,USD\n\
    C3,B,2026-03-01,2027-02-28,500.00,USD\n";
const VENDORS: &str = "name,kind\nA,hyperscaler\nB,neocloud\n";
const REVENUE: &str = "period_start,amount,currency\n2026-03-01,900.00,USD\n";

/// Where an entry goes: a contract, or a vendor's spend under no contract.
const PLACES: [(&str, &str); 4] = [("C1", ""), ("C2", ""), ("C3", ""), ("", "B")];

#[derive(Debug, Clone)]
enum Step {
    Add {
        place: usize,
        day: u32,
        cents: i64,
    },
    Correct {
        entry: usize,
        place: usize,
        day: u32,
        cents: i64,
    },
    /// Ask for the reports (the cache refreshes from what changed since it last did).
    Look,
}

fn step() -> impl Strategy<Value = Step> {
    // Few days, so writes often land on a day that already holds spend.
    let entry = (0..PLACES.len(), 1..=4u32, -5_000i64..50_000);
    prop_oneof![
        4 => entry.clone().prop_map(|(place, day, cents)| Step::Add { place, day, cents }),
        2 => (any::<usize>(), entry)
            .prop_map(|(entry, (place, day, cents))| Step::Correct { entry, place, day, cents }),
        2 => Just(Step::Look),
    ]
}

fn usage(place: usize, day: u32, cents: i64) -> domain::NewUsage {
    let (contract, vendor) = PLACES[place];
    let sign = if cents < 0 { "-" } else { "" };
    let amount = format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100);
    domain::NewUsage::parse(&domain::entries::RawUsage {
        contract,
        vendor,
        currency: if vendor.is_empty() { "" } else { "USD" },
        date: &format!("2026-03-{day:02}"),
        amount: &amount,
        quantity: "1",
        unit: "gpu_hour",
        sku: "h100",
        commitment: "",
    })
    .unwrap()
}

async fn import_ledger(db: &sea_orm::DatabaseConnection, dir: &Path) {
    let mut sources = Vec::new();
    for (name, text) in [
        ("vendors.csv", VENDORS),
        ("contracts.csv", CONTRACTS),
        ("revenue.csv", REVENUE),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        sources.push(store::ImportSource::open(&path).unwrap());
    }
    store::import_files(
        db,
        sources,
        "test",
        std::sync::Arc::new(store::import::NoProgress),
    )
    .await
    .unwrap();
}

/// The reports whose inputs are the usage rollup.
const COMPARED: [ReportName; 5] = [
    ReportName::BurnDown,
    ReportName::PortfolioBurnDown,
    ReportName::Concentration,
    ReportName::Ratio,
    ReportName::UsageBurnDown,
];

async fn assert_incremental_is_full(db: &sea_orm::DatabaseConnection, kept: &ReportCache) {
    let request = ReportRequest::default();
    for name in COMPARED {
        let incremental = reports::run(kept, db, name, &request).await.unwrap();
        let full = reports::run(&ReportCache::default(), db, name, &request)
            .await
            .unwrap();
        assert_eq!(incremental.version, full.version);
        assert_eq!(incremental.table, full.table, "{}", name.as_str());
    }
}

async fn check(steps: Vec<Step>) {
    let database = store::testing::fresh_database().await.unwrap();
    let db = store::connect(&database.url).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    import_ledger(&db, dir.path()).await;
    let kept = ReportCache::default();
    assert_incremental_is_full(&db, &kept).await;
    let mut entries = Vec::new();
    for step in steps {
        match step {
            Step::Add { place, day, cents } => {
                let id = store::ledger::usage::add(&db, "test", usage(place, day, cents))
                    .await
                    .unwrap();
                entries.push(id);
            }
            Step::Correct {
                entry,
                place,
                day,
                cents,
            } => {
                if entries.is_empty() {
                    continue;
                }
                let id = entries[entry % entries.len()];
                store::ledger::usage::correct(&db, "test", id, usage(place, day, cents))
                    .await
                    .unwrap();
            }
            Step::Look => assert_incremental_is_full(&db, &kept).await,
        }
    }
    assert_incremental_is_full(&db, &kept).await;
    db.close().await.unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn incremental_reports_equal_a_full_recompute(steps in proptest::collection::vec(step(), 1..30)) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(check(steps));
    }
}
