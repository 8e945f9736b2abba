//! Reading a FOCUS Contract Commitment dataset: its rows checked and grouped into contracts.

use super::columns::REQUIRED;
use super::terms::{Group, Period};
use crate::focus::time::focus_day;
use crate::import::outcome::RowError;
use crate::import::source::ImportSource;
use domain::decimal::parse_rounded;
use domain::{CommitmentCategory, CommitmentModel};
use std::collections::BTreeMap;
use std::io::Read;

/// Reads a Contract Commitment dataset into contracts by `ContractId`; every bad row is
/// added to `errors` with its line. `source.vendor` names the provider of every contract when
/// the file has no provider column.
pub(super) fn read(
    mut source: ImportSource,
    errors: &mut Vec<RowError>,
) -> BTreeMap<String, Group> {
    let file = source.name.clone();
    let given_vendor = source.vendor.clone();
    let mut bytes = Vec::new();
    if let Err(e) = source.reader.read_to_end(&mut bytes) {
        push_error(
            errors,
            &file,
            None,
            "",
            format!("cannot read the file: {e}"),
        );
        return BTreeMap::new();
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim().trim_start_matches('\u{feff}').to_owned())
            .collect(),
        Err(e) => {
            push_error(errors, &file, Some(1), "", e.to_string());
            return BTreeMap::new();
        }
    };
    let at = |name: &str| header.iter().position(|h| h == name);
    let vendor_column = at("x_ServiceProviderName").or_else(|| at("ServiceProviderName"));
    for required in REQUIRED {
        if at(required).is_none() {
            push_error(
                errors,
                &file,
                Some(1),
                required,
                "missing column; is this a FOCUS contract commitment file?".into(),
            );
        }
    }
    if vendor_column.is_none() && given_vendor.is_none() {
        push_error(errors, &file,
            Some(1),
            "x_ServiceProviderName",
            "missing column: the FOCUS contract commitment dataset names no provider; give the vendor of its contracts (--vendor NAME, or the Vendor field of the import form), or add an x_ServiceProviderName column".into(),
        );
    }
    if !errors.is_empty() {
        return BTreeMap::new();
    }
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                push_error(
                    errors,
                    &file,
                    e.position().map(|p| p.line()),
                    "",
                    e.to_string(),
                );
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let get = |name: &str| {
            let value = at(name).and_then(|i| record.get(i)).unwrap_or("").trim();
            if value.eq_ignore_ascii_case("null") {
                ""
            } else {
                value
            }
        };
        let vendor = vendor_column
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .or(given_vendor.as_deref())
            .unwrap_or("")
            .to_owned();
        let mut bad = |column: &str, reason: String| {
            push_error(errors, &file, Some(line), column, reason);
        };
        let category = match get("ContractCommitmentCategory") {
            "Spend" => Some(CommitmentCategory::Spend),
            "Usage" => Some(CommitmentCategory::Usage),
            other => {
                bad(
                    "ContractCommitmentCategory",
                    format!("must be Spend or Usage (got {other:?})"),
                );
                None
            }
        };
        let mut day =
            |column: &str, exclusive_end: bool| match focus_day(get(column), exclusive_end) {
                Ok(d) => Some(d),
                Err(reason) => {
                    push_error(errors, &file, Some(line), column, reason);
                    None
                }
            };
        let period_start = day("ContractCommitmentPeriodStart", false);
        let period_end = day("ContractCommitmentPeriodEnd", true);
        let contract_start = day("ContractPeriodStart", false);
        let contract_end = day("ContractPeriodEnd", true);
        let mut bad = |column: &str, reason: String| {
            push_error(errors, &file, Some(line), column, reason);
        };
        let cost = match (category, get("ContractCommitmentCost")) {
            (Some(CommitmentCategory::Usage), "") => Some(None),
            (_, raw) => match parse_rounded(raw, domain::money::MINOR_PLACES) {
                Ok(c) if c >= 0 => Some(Some(c)),
                Ok(_) => {
                    bad("ContractCommitmentCost", "must not be negative".into());
                    None
                }
                Err(reason) => {
                    bad("ContractCommitmentCost", reason);
                    None
                }
            },
        };
        let quantity = match (category, get("ContractCommitmentQuantity")) {
            (Some(CommitmentCategory::Usage), raw) => match domain::Quantity::parse(raw) {
                Ok(q) => Some(Some(q.micros())),
                Err(reason) => {
                    bad("ContractCommitmentQuantity", reason);
                    None
                }
            },
            // A spend commitment's quantity, if a provider fills it, says nothing the ledger keeps.
            _ => Some(None),
        };
        let unit = get("ContractCommitmentUnit").to_owned();
        if category == Some(CommitmentCategory::Usage) && unit.is_empty() {
            bad(
                "ContractCommitmentUnit",
                "is required for a Usage commitment (Hours, say)".into(),
            );
        }
        let id = get("ContractCommitmentId").to_owned();
        if id.is_empty() {
            bad("ContractCommitmentId", "is required".into());
        }
        let contract_id = get("ContractId").to_owned();
        if contract_id.is_empty() {
            bad("ContractId", "is required".into());
        }
        let kind = get("ContractCommitmentType").to_ascii_lowercase();
        // Free text in FOCUS: a burn-down is a prepaid pool; anything else is a minimum.
        let model = if kind.contains("burn") || kind.contains("prepa") {
            CommitmentModel::BurnDown
        } else {
            CommitmentModel::BuildUp
        };
        let (Some(category), Some(from), Some(to), Some(cost), Some(quantity)) =
            (category, period_start, period_end, cost, quantity)
        else {
            continue;
        };
        if id.is_empty() || contract_id.is_empty() {
            continue;
        }
        let group = groups.entry(contract_id.clone()).or_insert_with(|| Group {
            first_line: line,
            vendor: vendor.clone(),
            title: get("x_ContractTitle").to_owned(),
            currency: get("BillingCurrency").to_owned(),
            start: contract_start,
            end: contract_end,
            periods: Vec::new(),
        });
        let differs = |what: &str| {
            format!(
                "differs from line {} for contract {contract_id:?} ({what})",
                group.first_line
            )
        };
        if group.vendor != vendor {
            bad("x_ServiceProviderName", differs("the provider"));
        } else if group.currency != get("BillingCurrency") {
            bad("BillingCurrency", differs("the currency"));
        } else if (group.start, group.end) != (contract_start, contract_end) {
            bad("ContractPeriodStart", differs("the contract period"));
        } else {
            group.periods.push(Period {
                line,
                id,
                category,
                cost_minor: cost,
                quantity_micros: quantity,
                unit,
                model,
                from,
                to,
                scope: get("x_CommitmentScope").to_owned(),
            });
        }
    }
    groups
}

pub(super) fn push_error(
    errors: &mut Vec<RowError>,
    file: &str,
    line: Option<u64>,
    column: &str,
    reason: String,
) {
    errors.push(RowError {
        file: file.to_owned(),
        line,
        column: (!column.is_empty()).then(|| column.to_owned()),
        reason,
    })
}
