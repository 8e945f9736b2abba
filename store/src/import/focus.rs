//! FOCUS 1.3 (FinOps Open Cost and Usage Specification) cost-and-usage rows as usage entries.
//!
//! A FOCUS file holds far more columns than the ledger needs, in no fixed order: columns are
//! found by name and the rest ignored. Each row is matched to a contract by the `ContractId`
//! of its `ContractApplied` elements, or else by its provider and date within a contract's
//! term. Only charges that burn a commitment count (Usage, Purchase, and Credit as negative
//! spend); Tax and Adjustment rows are skipped and counted. A hash of every imported row is
//! kept, so importing the same or an overlapping file adds only the rows not seen before.

use super::columns::{ColumnSpec, Header};
use super::files::{PlacedUsage, RowContext, RowParser, UsageRow, USAGE_COLUMNS_WITH_SOURCE};
use super::focus_applied::{applied_elements, part_hash, split, vendor_id, Applied};
use super::insert::InsertRow;
use super::lookups::ContractKey;
use super::LedgerFile;
use chrono::NaiveDate;
use domain::{text, Currency, FieldError, NewUsage, Quantity};
use sea_orm::Value;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// Which FOCUS cost is spend against the commitment. `EffectiveCost` (the default) is what
/// the charge cost after discounts and with prepaid purchases spread over the period they
/// cover; `BilledCost` is what the invoice says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FocusCost {
    #[default]
    Effective,
    Billed,
}

impl FocusCost {
    pub fn column(self) -> &'static str {
        match self {
            FocusCost::Effective => "EffectiveCost",
            FocusCost::Billed => "BilledCost",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "effective" | "effectivecost" => Some(Self::Effective),
            "billed" | "billedcost" => Some(Self::Billed),
            _ => None,
        }
    }
}

/// The columns read. All others are ignored. Of the cost columns only the chosen one is needed.
pub const USAGE_COLUMNS: ColumnSpec = ColumnSpec {
    required: &[
        "ServiceProviderName",
        "ChargeCategory",
        "ChargePeriodStart",
        "BillingCurrency",
    ],
    optional: &[
        "ChargeClass",
        "EffectiveCost",
        "BilledCost",
        "SkuId",
        "ConsumedQuantity",
        "ConsumedUnit",
        "RegionId",
        "ContractApplied",
        "ContractId",
    ],
};

/// Older spellings: FOCUS 1.3 renamed `ProviderName`; `ContractID` appears in the 1.3 text.
const ALIASES: &[(&str, &str)] = &[
    ("ProviderName", "ServiceProviderName"),
    ("ContractID", "ContractId"),
];

/// Which charge categories besides Usage, Purchase and Credit count as spend.
///
/// FOCUS `Adjustment` rows change what a past charge cost (SLA credits, billing corrections,
/// refunds): they are real spend and count by default, applied to a contract only when their
/// `ContractApplied` names one. `Tax` is not infrastructure spend and is skipped by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FocusCharges {
    pub adjustments: bool,
    pub taxes: bool,
}

impl Default for FocusCharges {
    fn default() -> Self {
        Self {
            adjustments: true,
            taxes: false,
        }
    }
}

/// `count` or `skip` (the CLI's and the upload form's spelling).
pub fn parse_count_or_skip(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "count" | "include" | "yes" => Some(true),
        "skip" | "exclude" | "no" => Some(false),
        _ => None,
    }
}

/// What FOCUS import tracks across the rows of one file.
pub struct FocusState {
    cost: FocusCost,
    charges: FocusCharges,
    /// How often each row's content has been seen in this file: two identical rows are two
    /// charges, and a re-import must recognise both.
    occurrences: HashMap<[u8; 16], u32>,
    /// Contracts by lower-cased vendor name, for rows that name no known contract.
    pub(super) by_vendor: Option<HashMap<String, Vec<(String, ContractKey)>>>,
    /// Vendor ids by lower-cased name (providers vary the case).
    pub(super) vendor_ids: Option<HashMap<String, i64>>,
}

impl FocusState {
    pub fn new(cost: FocusCost, charges: FocusCharges) -> Self {
        Self {
            cost,
            charges,
            occurrences: HashMap::new(),
            by_vendor: None,
            vendor_ids: None,
        }
    }
}

/// One usage entry a FOCUS row becomes, and where it came from.
pub struct FocusUsageRow {
    row: UsageRow,
    region: String,
    row_hash: String,
}

/// A FOCUS row as entries: one per contract it is applied to, plus its unapplied remainder.
pub struct FocusUsageRows(Vec<FocusUsageRow>);

impl InsertRow for FocusUsageRows {
    const TABLE: &'static str = UsageRow::TABLE;
    const COLUMNS: &'static [&'static str] = USAGE_COLUMNS_WITH_SOURCE;
    fn rows(&self) -> usize {
        self.0.len()
    }
    fn push_values(self, out: &mut Vec<Value>) {
        for part in self.0 {
            part.row.push_values(out);
            out.extend([part.region.into(), part.row_hash.into()]);
        }
    }
}

/// A literal `NULL` (AWS, Oracle and others write it) is an empty value.
fn cell<'r>(h: &Header, rec: &'r csv::StringRecord, column: &str) -> &'r str {
    let value = h.get(rec, column).trim();
    if value.eq_ignore_ascii_case("null") {
        ""
    } else {
        value
    }
}

impl RowParser for FocusUsageRows {
    type Row = Self;

    fn match_header(
        _kind: LedgerFile,
        cx: &RowContext,
        names: &[&str],
    ) -> Result<Header, Vec<(Option<String>, String)>> {
        let mut positions: Vec<(&'static str, usize)> = Vec::new();
        let mut problems = Vec::new();
        for (pos, raw) in names.iter().enumerate() {
            let name = raw.trim().trim_start_matches('\u{feff}');
            let canonical = ALIASES
                .iter()
                .find(|(old, _)| *old == name)
                .map_or(name, |(_, new)| *new);
            let known = USAGE_COLUMNS
                .required
                .iter()
                .chain(USAGE_COLUMNS.optional)
                .find(|c| **c == canonical);
            if let Some(column) = known {
                // Both spellings in one file: the 1.3 name wins (1.3 files carry both).
                match positions.iter().position(|(c, _)| c == column) {
                    Some(i) if name == *column => positions[i] = (column, pos),
                    Some(_) => {}
                    None => positions.push((column, pos)),
                }
            }
        }
        let cost = cx.focus.cost.column();
        for required in USAGE_COLUMNS.required.iter().chain([&cost]) {
            if !positions.iter().any(|(c, _)| c == required) {
                let also = match *required {
                    "ServiceProviderName" => " (or the older ProviderName)",
                    _ => "",
                };
                problems.push((
                    Some((*required).to_owned()),
                    format!("missing column{also}; is this a FOCUS cost and usage file?"),
                ));
            }
        }
        if problems.is_empty() {
            Ok(Header::from_positions(positions))
        } else {
            Err(problems)
        }
    }

    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let get = |c| cell(h, rec, c);
        let category = get("ChargeCategory");
        let counted = match category {
            "Usage" | "Purchase" | "Credit" => true,
            "Adjustment" => cx.focus.charges.adjustments,
            "Tax" => cx.focus.charges.taxes,
            other => {
                return Err(vec![FieldError::new(
                    "ChargeCategory",
                    format!(
                        "is not a FOCUS charge category (Usage, Purchase, Credit, Tax or Adjustment): got {:?}",
                        other.escape_debug().to_string()
                    ),
                )])
            }
        };
        if !counted {
            let why = match category {
                "Tax" => "Tax rows (not infrastructure spend; --taxes count counts them)",
                _ => "Adjustment rows (--adjustments skip)",
            };
            *cx.skipped.entry(why.to_owned()).or_default() += 1;
            return Ok(None);
        }
        let row_hash = row_hash(rec, &mut cx.focus.occurrences);
        let known = cx.lookups.focus_hashes.get_or_insert_with(HashSet::new);
        if !known.insert(row_hash.clone()) {
            *cx.skipped
                .entry("rows already imported".to_owned())
                .or_default() += 1;
            return Ok(None);
        }
        let mut c = domain::entries::Checker::new();
        let date = c.field("ChargePeriodStart", charge_date(get("ChargePeriodStart")));
        let cost_column = cx.focus.cost.column();
        // A Credit or Adjustment may leave its cost empty: nothing to count.
        let amount = match get(cost_column) {
            "" => Some(0),
            raw => c.field(
                cost_column,
                domain::decimal::parse_rounded(raw, domain::exact::EXACT_PLACES),
            ),
        };
        // Signed: Microsoft writes refunds and reversals as negative quantities.
        let quantity = match get("ConsumedQuantity") {
            "" => Some(Quantity::default()),
            raw => c.field(
                "ConsumedQuantity",
                domain::decimal::parse_rounded(raw, domain::quantity::QUANTITY_PLACES)
                    .map(Quantity::from_micros),
            ),
        };
        let currency = c.field("BillingCurrency", Currency::parse(get("BillingCurrency")));
        let unit = c.field(
            "ConsumedUnit",
            text::optional(get("ConsumedUnit"), text::LABEL_MAX),
        );
        let sku = c.field("SkuId", text::optional(get("SkuId"), text::LABEL_MAX));
        let region = c.field("RegionId", text::optional(get("RegionId"), text::LABEL_MAX));
        let vendor = c.field(
            "ServiceProviderName",
            text::required(get("ServiceProviderName"), text::NAME_MAX),
        );
        let applied = c.field("ContractApplied", applied_elements(get("ContractApplied")));
        let (date, amount_e6, quantity, currency, unit, sku, region, vendor, mut applied) = c
            .finish(|| {
                Some((
                    date?, amount?, quantity?, currency?, unit?, sku?, region?, vendor?, applied?,
                ))
            })?;
        if !get("ContractId").is_empty() {
            applied.push(Applied {
                contract: get("ContractId").to_owned(),
                commitment: None,
                cost_e6: None,
                quantity_micros: None,
            });
        }
        cx.lookups.check_open("ChargePeriodStart", date)?;
        let vendor_id = vendor_id(cx, &vendor)?;
        // Taxes and adjustments burn a commitment only where the provider says they do.
        let by_date = matches!(category, "Usage" | "Purchase" | "Credit");
        let shares = split(
            cx,
            &vendor,
            &applied,
            by_date,
            date,
            amount_e6,
            quantity.micros(),
        )?;
        let mut parts = Vec::with_capacity(shares.len());
        for (i, share) in shares.into_iter().enumerate() {
            if let Some((reference, key)) = &share.contract {
                if key.currency != currency {
                    return Err(vec![FieldError::new(
                        "BillingCurrency",
                        format!(
                            "is {currency} but contract {reference} is in {}",
                            key.currency
                        ),
                    )]);
                }
            } else {
                *cx.noted
                    .entry("rows under no contract (vendor spend, in no burn-down)".to_owned())
                    .or_default() += 1;
            }
            let mut usage = NewUsage {
                contract: share.contract.as_ref().map(|(r, _)| r.clone()),
                vendor: None,
                currency: Some(currency),
                date,
                amount_e6: share.cost_e6,
                quantity: Quantity::from_micros(share.quantity_micros),
                unit: unit.clone(),
                sku: sku.clone(),
                commitment: share.commitment.clone(),
            };
            if let Some((_, key)) = &share.contract {
                usage
                    .check_within_term(&key.term)
                    .map_err(|e| vec![FieldError::new("ChargePeriodStart", e.reason)])?;
            }
            let commitment_id = match &share.contract {
                Some((reference, _)) => {
                    let named = usage.commitment.as_deref();
                    if named.is_some_and(|n| {
                        !cx.lookups
                            .commitments
                            .get(reference)
                            .is_some_and(|ks| ks.iter().any(|k| k.reference == n))
                    }) {
                        // A commitment the ledger was not given: applied by period and scope.
                        *cx.noted
                            .entry("rows naming a commitment the ledger does not hold (applied by period and scope instead)".to_owned())
                            .or_default() += 1;
                        usage.commitment = None;
                    }
                    let id = cx
                        .apply(reference, usage.commitment.as_deref(), &usage)
                        .map_err(|e| {
                            e.into_iter()
                                .map(|e| FieldError::new("ContractApplied", e.reason))
                                .collect::<Vec<_>>()
                        })?;
                    if id.is_none() {
                        *cx.noted
                            .entry("rows under a contract but in no commitment's period and scope (in no burn-down)".to_owned())
                            .or_default() += 1;
                    }
                    id
                }
                None => None,
            };
            let placed = PlacedUsage {
                vendor_id: share
                    .contract
                    .as_ref()
                    .map_or(vendor_id, |(_, k)| k.vendor_id),
                contract_id: share.contract.as_ref().map(|(_, k)| k.id),
                commitment_id,
                currency,
            };
            cx.add_to_day(&placed, &usage)?;
            parts.push(FocusUsageRow {
                row: UsageRow {
                    usage,
                    placed,
                    import_id: cx.import_id,
                },
                region: region.clone(),
                // The first part keeps the row's own hash (what a re-import looks up).
                row_hash: if i == 0 {
                    row_hash.clone()
                } else {
                    part_hash(&row_hash, i)
                },
            });
        }
        Ok(Some(Self(parts)))
    }
}

/// A FOCUS date-time in UTC. FOCUS writes `2026-03-01T00:00:00Z`; offsets, a missing `Z`
/// or seconds, and a bare date (midnight) are accepted too.
pub(super) fn utc_datetime(raw: &str) -> Result<chrono::NaiveDateTime, String> {
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Ok(at.with_timezone(&chrono::Utc).naive_utc());
    }
    let bare = raw.strip_suffix('Z').unwrap_or(raw);
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(at) = chrono::NaiveDateTime::parse_from_str(bare, format) {
            return Ok(at);
        }
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(|d| d.and_time(chrono::NaiveTime::MIN))
        .map_err(|_| {
            format!(
                "is not a FOCUS date-time such as 2026-03-01T00:00:00Z (got {:?})",
                raw.escape_debug().to_string()
            )
        })
}

/// The UTC day a charge period starts on.
fn charge_date(raw: &str) -> Result<NaiveDate, String> {
    utc_datetime(raw).map(|at| at.date())
}

/// SHA-256 (first 128 bits, hex) of the row's fields and how often the same content came
/// before it in this file.
fn row_hash(rec: &csv::StringRecord, occurrences: &mut HashMap<[u8; 16], u32>) -> String {
    let mut content = Sha256::new();
    for field in rec.iter() {
        content.update(field.as_bytes());
        content.update([0x1f]);
    }
    let digest = content.finalize();
    let mut base = [0u8; 16];
    base.copy_from_slice(&digest[..16]);
    let seen = occurrences.entry(base).or_default();
    *seen += 1;
    hash_hex(&[&base, &seen.to_le_bytes()])
}

/// SHA-256 of the parts, first 128 bits as hex: the stored `row_hash`.
pub(super) fn hash_hex(parts: &[&[u8]]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part);
    }
    hash.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charge_dates_are_utc_days() {
        let day = |s: &str| charge_date(s).map(|d| d.to_string());
        assert_eq!(day("2026-03-01T00:00:00Z").as_deref(), Ok("2026-03-01"));
        assert_eq!(
            day("2026-03-01T23:30:00-02:00").as_deref(),
            Ok("2026-03-02")
        );
        assert_eq!(day("2026-03-01").as_deref(), Ok("2026-03-01"));
        assert_eq!(day("2026-03-01 00:00").as_deref(), Ok("2026-03-01"));
        assert_eq!(day("2026-03-01T05:00Z").as_deref(), Ok("2026-03-01"));
        assert_eq!(day("2026-03-01 23:59:59.123").as_deref(), Ok("2026-03-01"));
        assert!(charge_date("03/01/2026")
            .unwrap_err()
            .contains("FOCUS date-time"));
    }

    #[test]
    fn identical_rows_hash_apart_but_the_same_file_hashes_the_same() {
        let rec = csv::StringRecord::from(vec!["a", "1.00"]);
        let mut first_read = HashMap::new();
        let a1 = row_hash(&rec, &mut first_read);
        let a2 = row_hash(&rec, &mut first_read);
        assert_ne!(a1, a2, "two identical charges are two rows");
        let mut second_read = HashMap::new();
        assert_eq!(row_hash(&rec, &mut second_read), a1);
        assert_eq!(row_hash(&rec, &mut second_read), a2);
        let other = csv::StringRecord::from(vec!["a", "1.0"]);
        assert_ne!(row_hash(&other, &mut HashMap::new()), a1);
        assert_eq!(a1.len(), 32);
    }
}
