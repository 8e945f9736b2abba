//! What the demo ledger holds: the vendors, the contracts with their terms and usage ramps,
//! the delivery phases and the receipts (the generator in `demo` turns them into CSV files).

use chrono::NaiveDate;

pub(super) struct DemoContract {
    pub(super) reference: &'static str,
    pub(super) vendor: &'static str,
    pub(super) title: &'static str,
    pub(super) start: (i32, u32, u32),
    pub(super) years: i32,
    /// The contract's currency; the amounts below are in its units.
    pub(super) currency: &'static str,
    pub(super) committed_dollars: i64,
    pub(super) model: &'static str,
    pub(super) interval: &'static str,
    /// Daily spend in the currency's units at the start of the term and after the ramp.
    pub(super) daily_start: i64,
    pub(super) daily_full: i64,
    pub(super) ramp_days: i64,
    pub(super) sku: &'static str,
    pub(super) dollars_per_gpu_hour: i64,
}

pub(super) const VENDORS: &[(&str, &str)] = &[
    ("Amazon Web Services", "hyperscaler"),
    ("Microsoft Azure", "hyperscaler"),
    ("Oracle Cloud Infrastructure", "hyperscaler"),
    ("Google Cloud", "hyperscaler"),
    ("CoreWeave", "neocloud"),
    ("Lambda", "neocloud"),
    ("Nebius Europe", "neocloud"),
    ("Kao Data", "colocation"),
];

pub(super) const CONTRACTS: &[DemoContract] = &[
    DemoContract {
        reference: "AWS-2025-38B",
        vendor: "Amazon Web Services",
        title: "GB200/GB300 UltraServer capacity, 7 years",
        start: (2025, 11, 3),
        years: 7,
        currency: "USD",
        committed_dollars: 38_000_000_000,
        model: "build_up",
        interval: "annual",
        daily_start: 2_000_000,
        daily_full: 16_000_000,
        ramp_days: 420,
        sku: "gb200-ultraserver",
        dollars_per_gpu_hour: 12,
    },
    DemoContract {
        reference: "AZURE-2025-250B",
        vendor: "Microsoft Azure",
        title: "Incremental Azure commitment",
        start: (2025, 11, 1),
        years: 7,
        currency: "USD",
        committed_dollars: 250_000_000_000,
        model: "build_up",
        interval: "term",
        daily_start: 30_000_000,
        daily_full: 110_000_000,
        ramp_days: 730,
        sku: "nd-gb200-v6",
        dollars_per_gpu_hour: 11,
    },
    DemoContract {
        reference: "OCI-2027-300B",
        vendor: "Oracle Cloud Infrastructure",
        title: "Stargate capacity, 4.5 GW",
        start: (2027, 1, 1),
        years: 5,
        currency: "USD",
        committed_dollars: 300_000_000_000,
        model: "build_up",
        interval: "annual",
        daily_start: 60_000_000,
        daily_full: 180_000_000,
        ramp_days: 540,
        sku: "bm-gpu-gb200",
        dollars_per_gpu_hour: 10,
    },
    DemoContract {
        reference: "GCP-2025-TPU",
        vendor: "Google Cloud",
        title: "TPU and GPU capacity",
        start: (2025, 6, 1),
        years: 3,
        currency: "USD",
        committed_dollars: 3_000_000_000,
        model: "burn_down",
        interval: "term",
        daily_start: 1_000_000,
        daily_full: 3_500_000,
        ramp_days: 365,
        sku: "tpu-v6e",
        dollars_per_gpu_hour: 3,
    },
    DemoContract {
        reference: "CW-2025-22B",
        vendor: "CoreWeave",
        title: "Dedicated GPU clusters (three tranches)",
        start: (2025, 3, 10),
        years: 5,
        currency: "USD",
        committed_dollars: 22_400_000_000,
        model: "build_up",
        interval: "annual",
        daily_start: 4_000_000,
        daily_full: 14_000_000,
        ramp_days: 540,
        sku: "h100-sxm-cluster",
        dollars_per_gpu_hour: 6,
    },
    DemoContract {
        reference: "LAMBDA-2026-1B",
        vendor: "Lambda",
        title: "Prepaid burst capacity",
        start: (2026, 1, 1),
        years: 3,
        currency: "USD",
        committed_dollars: 1_500_000_000,
        model: "burn_down",
        interval: "term",
        daily_start: 800_000,
        daily_full: 2_200_000,
        ramp_days: 300,
        sku: "b200-on-demand",
        dollars_per_gpu_hour: 5,
    },
    // Contracts outside dollars: a neocloud in Europe billing in euros, and power and space in
    // a UK colocation campus billed in pounds (the dashboards consolidate them at the demo's
    // exchange rates).
    DemoContract {
        reference: "NEBIUS-2026-EUR",
        vendor: "Nebius Europe",
        title: "GB300 clusters in Finland, billed in euros",
        start: (2026, 2, 1),
        years: 3,
        currency: "EUR",
        committed_dollars: 1_800_000_000,
        model: "build_up",
        interval: "annual",
        daily_start: 400_000,
        daily_full: 1_600_000,
        ramp_days: 365,
        sku: "gb300-nvl72",
        dollars_per_gpu_hour: 4,
    },
    DemoContract {
        reference: "KAO-2025-GBP",
        vendor: "Kao Data",
        title: "40 MW colocation, Harlow campus, billed in pounds",
        start: (2025, 9, 1),
        years: 10,
        currency: "GBP",
        committed_dollars: 900_000_000,
        model: "build_up",
        interval: "annual",
        daily_start: 150_000,
        daily_full: 240_000,
        ramp_days: 540,
        sku: "colocation-mw-month",
        dollars_per_gpu_hour: 1,
    },
];

/// (contract, phase, resource, region, planned date, planned quantity)
pub(super) const PHASES: &[(&str, &str, &str, &str, &str, u32)] = &[
    (
        "AWS-2025-38B",
        "initial",
        "GB200",
        "us-east-1",
        "2025-12-15",
        50_000,
    ),
    (
        "AWS-2025-38B",
        "bulk-2026",
        "GB300",
        "us-east-1",
        "2026-12-31",
        300_000,
    ),
    (
        "AWS-2025-38B",
        "expansion-2027",
        "GB300",
        "us-west-2",
        "2027-09-30",
        150_000,
    ),
    (
        "AZURE-2025-250B",
        "fairwater-1",
        "GB200",
        "us-central",
        "2026-03-31",
        200_000,
    ),
    (
        "AZURE-2025-250B",
        "fairwater-2",
        "GB300",
        "us-east",
        "2026-12-31",
        400_000,
    ),
    (
        "OCI-2027-300B",
        "abilene",
        "GB200",
        "us-south",
        "2027-03-31",
        400_000,
    ),
    (
        "OCI-2027-300B",
        "phase-2",
        "GB300",
        "us-south",
        "2028-06-30",
        800_000,
    ),
    (
        "GCP-2025-TPU",
        "tpu-pods",
        "TPUv6e",
        "us-central1",
        "2025-07-15",
        40_000,
    ),
    (
        "CW-2025-22B",
        "tranche-1",
        "H100",
        "us-east",
        "2025-04-30",
        60_000,
    ),
    (
        "CW-2025-22B",
        "tranche-2",
        "GB200",
        "us-east",
        "2025-10-31",
        80_000,
    ),
    (
        "LAMBDA-2026-1B",
        "burst",
        "B200",
        "us-west",
        "2026-02-01",
        10_000,
    ),
    (
        "NEBIUS-2026-EUR",
        "finland-1",
        "GB300",
        "eu-north1",
        "2026-03-31",
        8_000,
    ),
    (
        "NEBIUS-2026-EUR",
        "finland-2",
        "GB300",
        "eu-north1",
        "2027-03-31",
        12_000,
    ),
    // Colocation counts power: the phase's quantity is megawatts.
    ("KAO-2025-GBP", "hall-1", "MW", "harlow", "2025-09-01", 20),
    ("KAO-2025-GBP", "hall-2", "MW", "harlow", "2026-09-01", 20),
];

/// Power drawn per accelerator, all in (racks, networking, cooling), in kW: what a phase of
/// GPUs brings in MW.
pub(super) fn kw_per_unit(resource: &str) -> f64 {
    match resource {
        "GB300" => 1.6,
        "GB200" => 1.4,
        "B200" => 1.3,
        "H100" => 1.1,
        _ => 0.5,
    }
}

/// What each resource's hour costs against a GB200's, for the demo's rate cards.
pub(super) fn price_weight(resource: &str) -> f64 {
    match resource {
        "GB300" => 1.3,
        "GB200" => 1.0,
        "B200" => 0.9,
        "H100" => 0.7,
        "MW" => 1.0,
        _ => 0.5,
    }
}

/// The utilisation the demo's rate cards expect, in percent.
pub(super) const CARD_UTILISATION: &str = "90";

/// (contract, phase, receipt date, quantity, note)
pub(super) const RECEIPTS: &[(&str, &str, &str, u32, &str)] = &[
    (
        "AWS-2025-38B",
        "initial",
        "2025-12-20",
        30_000,
        "first UltraServer racks live",
    ),
    (
        "AWS-2025-38B",
        "initial",
        "2026-02-10",
        20_000,
        "remainder of initial phase, late",
    ),
    ("AWS-2025-38B", "bulk-2026", "2026-06-30", 80_000, ""),
    ("AWS-2025-38B", "bulk-2026", "2026-10-15", 60_000, ""),
    (
        "AZURE-2025-250B",
        "fairwater-1",
        "2026-05-20",
        150_000,
        "power delays at site",
    ),
    ("GCP-2025-TPU", "tpu-pods", "2025-07-10", 40_000, ""),
    ("CW-2025-22B", "tranche-1", "2025-04-28", 60_000, ""),
    (
        "CW-2025-22B",
        "tranche-2",
        "2025-12-05",
        70_000,
        "5 weeks late",
    ),
    ("NEBIUS-2026-EUR", "finland-1", "2026-04-20", 8_000, ""),
    ("KAO-2025-GBP", "hall-1", "2025-09-15", 20, "energised"),
    (
        "KAO-2025-GBP",
        "hall-2",
        "2026-11-02",
        10,
        "first half energised, 2 months late",
    ),
    ("LAMBDA-2026-1B", "burst", "2026-02-01", 10_000, ""),
];

/// AWS's GPU-hours commitment beside its $38B: (contract, commitment, from, GPU-hours over
/// its period, scope, dollars per GB300 GPU-hour).
pub(super) const GPU_HOURS: (&str, &str, NaiveDate, u64, &str, f64) = (
    "AWS-2025-38B",
    "gb300-gpu-hours",
    match NaiveDate::from_ymd_opt(2026, 7, 1) {
        Some(d) => d,
        None => NaiveDate::MIN,
    },
    400_000_000,
    "gb300",
    14.0,
);
