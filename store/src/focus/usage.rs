//! FOCUS 1.3 (FinOps Open Cost and Usage Specification) cost-and-usage rows as usage entries.
//!
//! A FOCUS file holds far more columns than the ledger needs, in no fixed order: columns are
//! found by name and the rest ignored. Each row is matched to a contract by the `ContractId`
//! of its `ContractApplied` elements, or else by its provider and date within a contract's
//! term. Only charges that burn a commitment count (Usage, Purchase, and Credit as negative
//! spend); Tax and Adjustment rows are skipped and counted. A hash of every imported row is
//! kept, so importing the same or an overlapping file adds only the rows not seen before.

use super::applied::{applied_elements, split, vendor_id, Applied, VendorIndex};
use super::options::{FocusCharges, FocusCost};
use super::row_hash::{part_hash, row_hash};
use super::time::charge_date;
use crate::import::columns::{ColumnSpec, Header};
use crate::import::insert::InsertRow;
use crate::import::kinds::usage::{UsageRow, USAGE_COLUMNS_WITH_SOURCE};
use crate::import::pipeline::RowParser;
use crate::import::row_context::{PlacedUsage, RowContext};
use crate::import::source::ImportSource;
use domain::{text, Currency, FieldError, NewUsage, Quantity};
use sea_orm::Value;
use std::collections::{HashMap, HashSet};

/// The columns read. All others are ignored. Of the cost columns only the chosen one is needed.
const USAGE_COLUMNS: ColumnSpec = ColumnSpec {
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
        "PricingCurrency",
        "PricingCurrencyEffectiveCost",
    ],
};

/// Older spellings: FOCUS 1.3 renamed `ProviderName`; `ContractID` appears in the 1.3 text.
const ALIASES: &[(&str, &str)] = &[
    ("ProviderName", "ServiceProviderName"),
    ("ContractID", "ContractId"),
];

/// What FOCUS import tracks across the rows of one file.
#[derive(Default)]
pub struct FocusState {
    cost: FocusCost,
    charges: FocusCharges,
    /// How often each row's content has been seen in this file: two identical rows are two
    /// charges, and a re-import must recognise both.
    occurrences: HashMap<[u8; 16], u32>,
    vendors: VendorIndex,
}

/// One usage entry a FOCUS row becomes, and where it came from.
pub struct FocusUsageRow {
    row: UsageRow,
    region: String,
    row_hash: String,
    pricing_currency: String,
    pricing_cost_e6: Option<i64>,
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
            out.extend([
                part.region.into(),
                part.row_hash.into(),
                part.pricing_currency.into(),
                part.pricing_cost_e6.into(),
            ]);
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
    type State = FocusState;
    const FILE_COLUMNS: ColumnSpec = USAGE_COLUMNS;

    fn start(source: &ImportSource) -> FocusState {
        FocusState {
            cost: source.focus_cost,
            charges: source.focus_charges,
            ..FocusState::default()
        }
    }

    fn match_header(
        state: &FocusState,
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
        let cost = state.cost.column();
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
        state: &mut FocusState,
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let get = |c| cell(h, rec, c);
        let category = get("ChargeCategory");
        let counted = match category {
            "Usage" | "Purchase" | "Credit" => true,
            "Adjustment" => state.charges.adjustments,
            "Tax" => state.charges.taxes,
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
        let row_hash = row_hash(rec, &mut state.occurrences);
        let known = cx.lookups.focus_hashes.get_or_insert_with(HashSet::new);
        if !known.insert(row_hash.clone()) {
            *cx.skipped
                .entry("rows already imported".to_owned())
                .or_default() += 1;
            return Ok(None);
        }
        let mut c = domain::entries::Checker::new();
        let date = c.field("ChargePeriodStart", charge_date(get("ChargePeriodStart")));
        let cost_column = state.cost.column();
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
        // Priced in another currency than billed: the ledger records the billed cost and keeps
        // the pricing currency and cost beside it.
        let pricing_currency = match get("PricingCurrency") {
            "" => Some(None),
            raw => c.field("PricingCurrency", Currency::parse(raw)).map(Some),
        };
        let pricing_cost = match get("PricingCurrencyEffectiveCost") {
            "" => Some(None),
            raw => c
                .field(
                    "PricingCurrencyEffectiveCost",
                    domain::decimal::parse_rounded(raw, domain::exact::EXACT_PLACES),
                )
                .map(Some),
        };
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
        let (
            (date, amount_e6, quantity, currency, unit, sku, region, vendor, mut applied),
            (pricing_currency, pricing_cost),
        ) = c.finish(|| {
            Some((
                (
                    date?, amount?, quantity?, currency?, unit?, sku?, region?, vendor?, applied?,
                ),
                (pricing_currency?, pricing_cost?),
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
        let vendor_id = vendor_id(cx, &mut state.vendors, &vendor)?;
        // Taxes and adjustments burn a commitment only where the provider says they do.
        let by_date = matches!(category, "Usage" | "Purchase" | "Credit");
        let shares = split(
            cx,
            &mut state.vendors,
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
                pricing_currency: pricing_currency.map(|c| c.to_string()).unwrap_or_default(),
                // The row's pricing cost is the whole row's: kept once, on its first entry.
                pricing_cost_e6: pricing_cost.filter(|_| i == 0),
            });
        }
        Ok(Some(Self(parts)))
    }
}
