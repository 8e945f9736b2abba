//! The demo ledger loaded on first run: an AI company's compute commitments modelled on public
//! reports (a seven-year $38B AWS deal from November 2025 with phased GB200/GB300 capacity,
//! $250B with Microsoft Azure, $300B with Oracle from 2027, a smaller Google Cloud deal and
//! neocloud contracts), with daily usage ramps and monthly revenue up to `today`.
//!
//! It is produced as the ledger's CSV files and loaded through the normal importer, so it obeys the
//! same rules and leaves the same audit trail as any import.

use crate::import::{
    import_files, ImportError, ImportReport, ImportSource, LedgerFile, NoProgress,
};
use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

mod catalogue;

use catalogue::{CONTRACTS, GPU_HOURS, PHASES, RECEIPTS, VENDORS};

pub const DEMO_ACTOR: &str = "demo-loader";

/// A small deterministic noise source, so the demo is the same on every machine.
fn noise(seed: u64) -> f64 {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 32;
    (x % 10_000) as f64 / 10_000.0
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Writes rows as RFC 4180 CSV (titles and notes contain commas).
fn to_csv(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(header);
    for row in rows {
        let _ = writer.write_record(&row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The demo CSV files, with usage up to and including `today`.
pub fn demo_files(today: NaiveDate) -> Vec<(LedgerFile, String)> {
    let vendors = VENDORS
        .iter()
        .map(|(name, kind)| vec![name.to_string(), kind.to_string()])
        .collect();
    let mut contracts = Vec::new();
    let mut usage = Vec::new();
    for (i, c) in CONTRACTS.iter().enumerate() {
        let start = date(c.start.0, c.start.1, c.start.2);
        let end = date(c.start.0 + c.years, c.start.1, c.start.2) - Duration::days(1);
        contracts.push(vec![
            c.reference.to_string(),
            c.vendor.to_string(),
            start.to_string(),
            end.to_string(),
            money(c.committed_dollars * 100),
            c.currency.to_string(),
            c.title.to_string(),
            c.model.to_string(),
            c.interval.to_string(),
            "demo data modelled on public reports".to_string(),
        ]);
        let mut day = start;
        while day <= today.min(end) {
            let n = (day - start).num_days();
            let ramp = (n as f64 / c.ramp_days as f64).min(1.0);
            let base = c.daily_start as f64 + (c.daily_full - c.daily_start) as f64 * ramp;
            let weekday_dip = if day.weekday().number_from_monday() >= 6 {
                0.85
            } else {
                1.0
            };
            let dollars = base * weekday_dip * (0.9 + 0.2 * noise((i as u64) << 32 | n as u64));
            let cents = (dollars * 100.0).round() as i64;
            let compute = cents * 9 / 10;
            let storage = cents - compute;
            let tb_months = storage as f64 / 2_300.0;
            let reference = c.reference.to_string();
            // From July 2026 part of AWS's compute is the GB300 phase, counted against the
            // contract's GPU-hours commitment (named: the $38B commitment holds it too).
            let gb300 = if c.reference == GPU_HOURS.0 && day >= GPU_HOURS.2 {
                compute * 3 / 10
            } else {
                0
            };
            let compute = compute - gb300;
            let gpu_hours = compute as f64 / 100.0 / c.dollars_per_gpu_hour as f64;
            usage.push(usage_row(
                &reference,
                day,
                money(compute),
                format!("{gpu_hours:.1}"),
                "gpu_hour",
                c.sku,
                "",
            ));
            if gb300 > 0 {
                let hours = gb300 as f64 / 100.0 / GPU_HOURS.5;
                usage.push(usage_row(
                    &reference,
                    day,
                    money(gb300),
                    format!("{hours:.1}"),
                    "gpu_hour",
                    "gb300-ultraserver",
                    GPU_HOURS.1,
                ));
            }
            usage.push(usage_row(
                &reference,
                day,
                money(storage),
                format!("{tb_months:.1}"),
                "tb_month",
                "storage",
                "",
            ));
            day += Duration::days(1);
        }
    }
    // On-demand spend under no contract: burst GPU hours billed to the sub-cent, the way a
    // provider's cost export carries them. It counts in the ratio and the concentration, in
    // no burn-down.
    let mut day = date(2025, 6, 1);
    while day <= today {
        let n = (day - date(2025, 6, 1)).num_days() as u64;
        for (k, (vendor, sku, dollars_per_hour)) in [
            ("Amazon Web Services", "p5.48xlarge-on-demand", 98.32_f64),
            ("Lambda", "h100-on-demand", 2.99),
        ]
        .into_iter()
        .enumerate()
        {
            let hours = (1_500.0 + 1_000.0 * noise(7_000 + n * 2 + k as u64)).round();
            let micros = (hours * dollars_per_hour * 1_000_000.0 * 1.000_731).round() as i64;
            usage.push(vec![
                String::new(),
                day.to_string(),
                domain::exact::format_full(micros),
                format!("{hours:.0}"),
                "gpu_hour".into(),
                sku.into(),
                vendor.into(),
                "USD".into(),
                String::new(),
            ]);
        }
        day += Duration::days(1);
    }
    let deliveries = PHASES
        .iter()
        .map(|(contract, phase, resource, region, planned, quantity)| {
            // Every GPU phase states the power it brings; a power phase counts it already.
            let power = if domain::capacity::is_power(resource) {
                String::new()
            } else {
                format!(
                    "{:.1}",
                    f64::from(*quantity) * catalogue::kw_per_unit(resource) / 1_000.0
                )
            };
            [*contract, *phase, *resource, *region, *planned]
                .iter()
                .map(|s| s.to_string())
                .chain([quantity.to_string(), power])
                .collect()
        })
        .collect();
    let receipts = RECEIPTS
        .iter()
        .filter(|(_, _, on, _, _)| on.parse::<NaiveDate>().is_ok_and(|d| d <= today))
        .map(|(contract, phase, on, quantity, note)| {
            vec![
                contract.to_string(),
                phase.to_string(),
                on.to_string(),
                quantity.to_string(),
                note.to_string(),
                String::new(),
            ]
        })
        .collect();
    // Revenue: ~$300M in January 2025, growing ~6% a month, booked for completed months.
    let mut revenue = Vec::new();
    let mut month = date(2025, 1, 1);
    let mut k = 0;
    while let Some(next) = month
        .checked_add_months(chrono::Months::new(1))
        .filter(|next| *next <= today)
    {
        let dollars = 300_000_000.0 * 1.06_f64.powi(k) * (0.97 + 0.06 * noise(1_000 + k as u64));
        revenue.push(vec![
            month.to_string(),
            money((dollars * 100.0).round() as i64),
            "USD".to_string(),
        ]);
        month = next;
        k += 1;
    }
    let (contract, commitment, from, quantity, scope, _) = GPU_HOURS;
    let to = CONTRACTS
        .iter()
        .find(|c| c.reference == contract)
        .map(|c| date(c.start.0 + c.years, c.start.1, c.start.2) - Duration::days(1))
        .unwrap_or(from);
    let commitments = vec![vec![
        contract.to_string(),
        commitment.to_string(),
        from.to_string(),
        to.to_string(),
        "usage".to_string(),
        String::new(),
        quantity.to_string(),
        "gpu_hour".to_string(),
        "build_up".to_string(),
        "annual".to_string(),
        scope.to_string(),
    ]];
    [
        (LedgerFile::Vendors, vendors),
        (LedgerFile::Contracts, contracts),
        (LedgerFile::Commitments, commitments),
        (LedgerFile::Deliveries, deliveries),
        (LedgerFile::Receipts, receipts),
        (LedgerFile::Usage, usage),
        (LedgerFile::Revenue, revenue),
    ]
    .into_iter()
    .map(|(kind, rows)| (kind, to_csv(&kind.column_names(), rows)))
    .collect()
}

fn usage_row(
    contract: &str,
    day: NaiveDate,
    amount: String,
    quantity: String,
    unit: &str,
    sku: &str,
    commitment: &str,
) -> Vec<String> {
    vec![
        contract.to_owned(),
        day.to_string(),
        amount,
        quantity,
        unit.to_owned(),
        sku.to_owned(),
        String::new(),
        String::new(),
        commitment.to_owned(),
    ]
}

fn money(cents: i64) -> String {
    domain::decimal::format_scaled(cents, 2)
}

/// Reference rates against the euro for every weekday from the last day of 2024 to `today`, the shape
/// of the ECB's file: a dollar near 1.08–1.17 and a pound near 0.83–0.87, moving a little each
/// day.
pub fn demo_rates(today: NaiveDate) -> Vec<domain::fx::Rate> {
    let (Ok(eur), Ok(usd), Ok(gbp)) = (
        domain::Currency::parse("EUR"),
        domain::Currency::parse("USD"),
        domain::Currency::parse("GBP"),
    ) else {
        return Vec::new();
    };
    let mut rates = Vec::new();
    // From the last weekday of 2024: January's revenue converts at the rate in force on the 1st.
    let mut day = date(2024, 12, 31);
    while day <= today {
        if day.weekday().number_from_monday() <= 5 {
            let n = (day - date(2024, 12, 31)).num_days() as u64;
            let drift = (n as f64 / 700.0).min(1.0);
            let dollar = 1.08 + 0.09 * drift + 0.01 * (noise(50_000 + n) - 0.5);
            let pound = 0.83 + 0.04 * drift + 0.006 * (noise(90_000 + n) - 0.5);
            for (currency, rate) in [(usd, dollar), (gbp, pound)] {
                rates.push(domain::fx::Rate {
                    date: day,
                    base: eur,
                    currency,
                    // Four decimals, as the ECB publishes them.
                    scaled: (rate * 10_000.0).round() as i64 * 1_000_000,
                });
            }
        }
        day += Duration::days(1);
    }
    rates
}

/// A rate card per contract and resource from each contract's first day, priced so that the
/// whole contracted capacity at the cards' utilisation spends about the commitment over the
/// term (a GB300 hour dearer than a GB200's): the plan-driven forecast then lands near the
/// commitment once the phases arrive, short of it by what arrives late.
pub fn demo_rate_cards() -> Vec<domain::rate_card::RateCard> {
    let mut cards = Vec::new();
    for c in CONTRACTS {
        let phases: Vec<_> = PHASES.iter().filter(|p| p.0 == c.reference).collect();
        let weighted_units: f64 = phases
            .iter()
            .map(|p| f64::from(p.5) * catalogue::price_weight(p.2))
            .sum();
        if weighted_units <= 0.0 {
            continue;
        }
        let start = date(c.start.0, c.start.1, c.start.2);
        let days = (date(c.start.0 + c.years, c.start.1, c.start.2) - start).num_days() as f64;
        let utilisation = catalogue::CARD_UTILISATION.parse::<f64>().unwrap_or(100.0) / 100.0;
        let per_weighted_hour =
            c.committed_dollars as f64 / (weighted_units * 24.0 * utilisation * days);
        let mut resources: Vec<&str> = phases.iter().map(|p| p.2).collect();
        resources.sort_unstable();
        resources.dedup();
        for resource in resources {
            let price = format!(
                "{:.2}",
                per_weighted_hour * catalogue::price_weight(resource)
            );
            let start = start.to_string();
            let raw = domain::rate_card::RawRateCard {
                contract: c.reference,
                resource,
                from: &start,
                price: &price,
                utilisation: catalogue::CARD_UTILISATION,
            };
            if let Ok(card) = domain::rate_card::RateCard::parse(&raw) {
                cards.push(card);
            }
        }
    }
    cards
}

/// Loads the demo ledger if the database holds no ledger yet; returns what was loaded.
pub async fn load_if_empty(
    db: &DatabaseConnection,
    today: NaiveDate,
) -> Result<Option<ImportReport>, ImportError> {
    if !crate::ledger::is_empty(db).await? {
        return Ok(None);
    }
    let sources = demo_files(today)
        .into_iter()
        .map(|(kind, csv)| {
            ImportSource::from_bytes(
                kind,
                &format!("demo/{}", kind.file_name()),
                csv.into_bytes(),
            )
        })
        .collect();
    let report = import_files(db, sources, DEMO_ACTOR, Arc::new(NoProgress)).await?;
    crate::fx::store(db, DEMO_ACTOR, &demo_rates(today)).await?;
    crate::rate_cards::store(db, DEMO_ACTOR, &demo_rate_cards())
        .await
        .map_err(|e| match e {
            crate::ledger::WriteError::Database(e) => ImportError::Database(e),
            other => ImportError::Database(sea_orm::DbErr::Custom(other.to_string())),
        })?;
    Ok(Some(report))
}
