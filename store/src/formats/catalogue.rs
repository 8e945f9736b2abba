//! What each file kind's columns mean, and two example rows per kind. The examples of the
//! ledger's own files refer to each other (the contracts to the vendors, the usage to the
//! contracts), so the seven templates import together into an empty ledger.

use super::FileFormat;
use crate::import::LedgerFile;

pub(super) const FORMATS: &[FileFormat] = &[
    FileFormat {
        kind: LedgerFile::Vendors,
        title: "Vendors",
        purpose: "The clouds, neoclouds and colocation providers contracts are signed with.",
        columns: &[
            ("name", "Unique vendor name, as contracts and usage files name it."),
            ("kind", "`hyperscaler`, `neocloud`, `colocation` or `other` (default)."),
        ],
        examples: [
            &["Example Cloud", "hyperscaler"],
            &["Example GPU Co", "neocloud"],
        ],
    },
    FileFormat {
        kind: LedgerFile::Contracts,
        title: "Contracts",
        purpose: "A contract and its own commitment over the whole term (one row, one commitment).",
        columns: &[
            ("reference", "Unique contract reference."),
            ("vendor", "A vendor's name (in vendors.csv or already in the ledger)."),
            ("start_date", "First day of the term."),
            ("end_date", "Last day of the term, not before the start."),
            ("committed_amount", "The contract's own commitment, at most 2 decimals; empty: none of its own (its commitments come from commitments.csv)."),
            ("currency", "ISO 4217 code, e.g. `USD`, `EUR`."),
            ("title", "Free text."),
            ("commitment_model", "`build_up` (a minimum to reach; default) or `burn_down` (a prepaid pool)."),
            ("fulfillment_interval", "`term` (default), `annual`, `quarterly` or `monthly`: each interval owes its even share."),
            ("notes", "Free text."),
        ],
        examples: [
            &["EX-CLOUD-1", "Example Cloud", "2026-01-01", "2028-12-31", "1200000.00", "USD", "Three-year compute commitment", "build_up", "annual", "Signed 2025-11-15"],
            &["EX-GPU-1", "Example GPU Co", "2026-01-01", "2026-12-31", "500000.00", "USD", "GPU capacity pool", "burn_down", "term", ""],
        ],
    },
    FileFormat {
        kind: LedgerFile::Commitments,
        title: "Further commitments",
        purpose: "Commitments beyond a contract's own: staggered, scoped to SKUs, or in a unit.",
        columns: &[
            ("contract", "The contract's reference."),
            ("commitment", "The commitment's reference, unique within its contract."),
            ("start_date", "First day of its period, inside the contract's term."),
            ("end_date", "Last day of its period."),
            ("category", "`spend` (an amount; default) or `usage` (a quantity in a unit)."),
            ("committed_amount", "Required for spend, at most 2 decimals; optional for usage."),
            ("quantity", "Usage commitments: the quantity, at most 6 decimals."),
            ("unit", "Usage commitments: the unit, e.g. `GPU-hours`."),
            ("commitment_model", "`build_up` (default) or `burn_down`."),
            ("fulfillment_interval", "`term` (default), `annual`, `quarterly` or `monthly`."),
            ("scope", "SKU prefixes that count towards it, separated by `;`; empty: all of the contract's spend."),
        ],
        examples: [
            &["EX-CLOUD-1", "EX-CLOUD-1-GPU", "2026-07-01", "2027-06-30", "spend", "300000.00", "", "", "build_up", "quarterly", "p5.;g6."],
            &["EX-GPU-1", "EX-GPU-1-HOURS", "2026-01-01", "2026-12-31", "usage", "", "100000", "GPU-hours", "build_up", "term", ""],
        ],
    },
    FileFormat {
        kind: LedgerFile::Deliveries,
        title: "Delivery phases",
        purpose: "The capacity a contract promises, phase by phase, with its planned date.",
        columns: &[
            ("contract", "The contract's reference."),
            ("phase", "The phase's name, unique within its contract."),
            ("resource", "What is delivered: GPUs of a kind (`H100`, `GB200`, `GB300`, `TPUv6e`), or `MW` for power (a colocation phase)."),
            ("region", "Where (may be empty)."),
            ("planned_date", "When the phase is due."),
            ("planned_quantity", "How many of the resource (GPUs; megawatts when the resource is `MW`), at most 6 decimals."),
            ("planned_power_mw", "Optional: the power the phase brings, in MW, where the contract states it beside the GPUs."),
        ],
        examples: [
            &["EX-GPU-1", "phase-1", "H100", "us-east-1", "2026-02-01", "512", "0.7"],
            &["EX-GPU-1", "phase-2", "H100", "us-east-1", "2026-06-01", "1024", ""],
        ],
    },
    FileFormat {
        kind: LedgerFile::Receipts,
        title: "Delivery receipts",
        purpose: "Capacity received against a phase; several receipts may fill one phase.",
        columns: &[
            ("contract", "The contract's reference."),
            ("phase", "The phase's name."),
            ("date", "When it was received."),
            ("quantity", "How much of the phase's resource, at most 6 decimals."),
            ("note", "Free text."),
            ("power_mw", "Optional: the power delivered, in MW; blank delivers the phase's power in proportion to the quantity."),
        ],
        examples: [
            &["EX-GPU-1", "phase-1", "2026-02-10", "256", "first racks", ""],
            &["EX-GPU-1", "phase-1", "2026-03-01", "256", "", "0.35"],
        ],
    },
    FileFormat {
        kind: LedgerFile::Usage,
        title: "Usage",
        purpose: "Spend and quantity per day: on a contract (burning one of its commitments) or on-demand under none.",
        columns: &[
            ("contract", "The contract's reference; empty for spend under no contract."),
            ("date", "The day, inside the contract's term."),
            ("amount", "Spend, signed (refunds negative), at most 6 decimals."),
            ("quantity", "Quantity, signed, at most 6 decimals."),
            ("unit", "The quantity's unit, e.g. `GPU-hours`."),
            ("sku", "The provider's SKU; a scoped commitment counts the SKUs it names."),
            ("vendor", "Spend under no contract: its vendor."),
            ("currency", "Spend under no contract: its currency."),
            ("commitment", "The contract's commitment it is applied to; empty: the only one whose period and scope hold it."),
        ],
        examples: [
            &["EX-CLOUD-1", "2026-03-01", "1234.567891", "98.5", "GPU-hours", "p5.48xlarge", "", "", ""],
            &["", "2026-03-01", "-12.50", "-1", "hours", "m7i.large", "Example Cloud", "USD", ""],
        ],
    },
    FileFormat {
        kind: LedgerFile::Revenue,
        title: "Revenue",
        purpose: "The company's own revenue per month, for the infrastructure-to-revenue ratios.",
        columns: &[
            ("period_start", "The first day of the month."),
            ("amount", "Revenue, at most 2 decimals, not negative."),
            ("currency", "ISO 4217 code."),
        ],
        examples: [
            &["2026-01-01", "250000.00", "USD"],
            &["2026-02-01", "275000.00", "USD"],
        ],
    },
    FileFormat {
        kind: LedgerFile::FocusUsage,
        title: "FOCUS cost and usage export (1.0–1.3)",
        purpose: "A provider's FOCUS export, read as usage entries. Columns are found by name (others are ignored); an empty value and a literal NULL are the same. Re-importing adds only rows not imported before.",
        columns: &[
            ("ServiceProviderName", "The vendor (1.0: `ProviderName`), matched to a vendor's name regardless of case."),
            ("ChargeCategory", "`Usage`, `Purchase`, `Credit` count; `Adjustment` counts by default; `Tax` is skipped by default."),
            ("ChargePeriodStart", "The charge's start (UTC); its day is the entry's date."),
            ("BillingCurrency", "Checked against the applied contract's currency."),
            ("ChargeClass", "`Correction` rows count, signed."),
            ("EffectiveCost", "The amount (default), kept to 6 decimals."),
            ("BilledCost", "The amount when importing billed cost."),
            ("SkuId", "The entry's SKU."),
            ("ConsumedQuantity", "The quantity, signed."),
            ("ConsumedUnit", "The quantity's unit."),
            ("RegionId", "Stored on the entry."),
            ("ContractApplied", "FOCUS 1.3 JSON naming the contract (and commitment) the row burns; several elements split it."),
            ("ContractId", "The contract the row burns (when `ContractApplied` is absent)."),
            ("PricingCurrency", "The currency the row was priced in, when not the billing currency; kept on the entry."),
            ("PricingCurrencyEffectiveCost", "The row's cost in its pricing currency; kept on the entry (the ledger counts the billed cost)."),
        ],
        examples: [
            &["Example Cloud", "Usage", "2026-03-02T00:00:00Z", "USD", "", "10.0159072", "10.02", "p5.48xlarge", "1", "Hours", "us-east-1", "", "EX-CLOUD-1", "EUR", "9.2640824"],
            &["Example Cloud", "Credit", "2026-03-02T00:00:00Z", "USD", "NULL", "-1.50", "-1.50", "p5.48xlarge", "NULL", "NULL", "us-east-1", "NULL", "NULL", "NULL", "NULL"],
        ],
    },
];
