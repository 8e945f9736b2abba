//! Which contracts a FOCUS cost row is applied to: its `ContractApplied` elements (split by
//! their applied cost), or its provider's one contract running that day, or none (vendor
//! spend under no contract).

use crate::import::lookups::ContractKey;
use crate::import::row_context::RowContext;
use chrono::NaiveDate;
use domain::FieldError;
use std::collections::HashMap;

/// The ledger's contracts and vendors by lower-cased vendor name (providers vary the case),
/// built on first use for the rows of one file.
#[derive(Default)]
pub(crate) struct VendorIndex {
    /// Contracts by vendor, for rows that name no known contract.
    by_vendor: Option<HashMap<String, Vec<(String, ContractKey)>>>,
    vendor_ids: Option<HashMap<String, i64>>,
}

/// One element of `ContractApplied`: the contract and, where the provider says, how much of
/// the row's cost and quantity it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Applied {
    pub contract: String,
    /// `ContractCommitmentId`: the contract's commitment it is applied to, where named.
    pub commitment: Option<String>,
    pub cost_e6: Option<i64>,
    pub quantity_micros: Option<i64>,
}

/// The elements of a `ContractApplied` value: `{"Elements":[{"ContractId":…,
/// "ContractCommitmentAppliedCost":…},…]}` in FOCUS 1.3; a bare array or id is accepted too.
pub(crate) fn applied_elements(raw: &str) -> Result<Vec<Applied>, String> {
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    if !raw.starts_with(['{', '[']) {
        return Ok(vec![Applied {
            contract: raw.to_owned(),
            commitment: None,
            cost_e6: None,
            quantity_micros: None,
        }]);
    }
    // serde_json's own text is for programmers; say where, in words.
    let value: serde_json::Value = serde_json::from_str(raw).map_err(|e| {
        format!(
            "is not valid JSON (line {}, character {}); expected the FOCUS shape \"{{\"Elements\":[{{\"ContractId\":…}}]}}\"",
            e.line(),
            e.column()
        )
    })?;
    let elements = match &value {
        serde_json::Value::Object(o) => o.get("Elements").cloned().unwrap_or_default(),
        array => array.clone(),
    };
    let number = |e: &serde_json::Value, key: &str, places: u32| -> Result<Option<i64>, String> {
        match e.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            // The JSON number's own text, so no float ever touches the amount.
            Some(v) => domain::decimal::parse_rounded(v.to_string().trim_matches('"'), places)
                .map(Some)
                .map_err(|reason| format!("{key} {reason}")),
        }
    };
    let mut out = Vec::new();
    for e in elements.as_array().into_iter().flatten() {
        let Some(id) = e
            .get("ContractId")
            .or_else(|| e.get("ContractID"))
            .and_then(|id| id.as_str())
        else {
            continue;
        };
        out.push(Applied {
            contract: id.to_owned(),
            commitment: e
                .get("ContractCommitmentId")
                .or_else(|| e.get("ContractCommitmentID"))
                .and_then(|id| id.as_str())
                .filter(|id| !id.is_empty())
                .map(str::to_owned),
            cost_e6: number(
                e,
                "ContractCommitmentAppliedCost",
                domain::exact::EXACT_PLACES,
            )?,
            quantity_micros: number(
                e,
                "ContractCommitmentAppliedQuantity",
                domain::quantity::QUANTITY_PLACES,
            )?,
        });
    }
    Ok(out)
}

/// A part of a row: the contract it is applied to (none: vendor spend), its cost and quantity.
pub(crate) struct Share {
    pub contract: Option<(String, ContractKey)>,
    /// The commitment the provider applied it to, when it names one.
    pub commitment: Option<String>,
    pub cost_e6: i64,
    pub quantity_micros: i64,
}

pub(crate) fn vendor_id(
    cx: &RowContext,
    index: &mut VendorIndex,
    vendor: &str,
) -> Result<i64, Vec<FieldError>> {
    let lookups = &cx.lookups;
    let ids = index.vendor_ids.get_or_insert_with(|| {
        lookups
            .vendors
            .iter()
            .map(|(name, id)| (name.to_lowercase(), *id))
            .collect()
    });
    ids.get(&vendor.to_lowercase()).copied().ok_or_else(|| {
        vec![FieldError::new(
            "ServiceProviderName",
            format!(
                "no vendor named {:?} in the ledger; add the vendor first",
                vendor.escape_debug().to_string()
            ),
        )]
    })
}

/// How a row's cost is applied: to the one contract its `ContractApplied` names, or split
/// across several by each element's applied cost (the rest left unapplied), or else to the one
/// contract of its provider whose term holds the date; with none or several such contracts the
/// row is vendor spend under no contract.
pub(crate) fn split(
    cx: &RowContext,
    index: &mut VendorIndex,
    vendor: &str,
    applied: &[Applied],
    by_date: bool,
    date: NaiveDate,
    cost_e6: i64,
    quantity_micros: i64,
) -> Result<Vec<Share>, Vec<FieldError>> {
    let mut named: Vec<&Applied> = applied
        .iter()
        .filter(|a| cx.lookups.contracts.contains_key(a.contract.as_str()))
        .collect();
    named.dedup_by(|a, b| a.contract == b.contract && a.commitment == b.commitment);
    let contract = |a: &Applied| {
        (
            a.contract.clone(),
            cx.lookups.contracts[a.contract.as_str()],
        )
    };
    match named.as_slice() {
        [] => {}
        // One contract named: the whole row is its (the applied cost may be on another cost
        // basis than the one chosen with --cost).
        [one] => {
            return Ok(vec![Share {
                contract: Some(contract(one)),
                commitment: one.commitment.clone(),
                cost_e6,
                quantity_micros,
            }])
        }
        several => {
            let mut shares = Vec::with_capacity(several.len() + 1);
            let (mut cost_left, mut quantity_left) = (cost_e6, quantity_micros);
            for a in several {
                let Some(cost) = a.cost_e6 else {
                    return Err(vec![FieldError::new(
                        "ContractApplied",
                        format!(
                            "names several contracts of the ledger but no ContractCommitmentAppliedCost for {}; the row cannot be split",
                            a.contract
                        ),
                    )]);
                };
                let quantity = a.quantity_micros.unwrap_or(0);
                cost_left -= cost;
                quantity_left -= quantity;
                shares.push(Share {
                    contract: Some(contract(a)),
                    commitment: a.commitment.clone(),
                    cost_e6: cost,
                    quantity_micros: quantity,
                });
            }
            if cost_left != 0 || quantity_left != 0 {
                shares.push(Share {
                    contract: None,
                    commitment: None,
                    cost_e6: cost_left,
                    quantity_micros: quantity_left,
                });
            }
            return Ok(shares);
        }
    }
    let lookups = &cx.lookups;
    let by_vendor = index.by_vendor.get_or_insert_with(|| {
        let names: HashMap<i64, String> = lookups
            .vendors
            .iter()
            .map(|(name, id)| (*id, name.to_lowercase()))
            .collect();
        let mut by_vendor: HashMap<String, Vec<(String, ContractKey)>> = HashMap::new();
        for (reference, key) in &lookups.contracts {
            if let Some(name) = names.get(&key.vendor_id) {
                by_vendor
                    .entry(name.clone())
                    .or_default()
                    .push((reference.clone(), *key));
            }
        }
        for contracts in by_vendor.values_mut() {
            contracts.sort_by(|a, b| a.0.cmp(&b.0));
        }
        by_vendor
    });
    let covering: Vec<&(String, ContractKey)> = by_vendor
        .get(&vendor.to_lowercase())
        .into_iter()
        .flatten()
        .filter(|(_, k)| k.term.contains(date))
        .collect();
    let contract = match (applied.is_empty() && by_date, covering.as_slice()) {
        // Only a row that names no contract at all is matched by its provider and date: one
        // naming a contract the ledger does not hold is that contract's, not another's.
        (true, [(reference, key)]) => Some((reference.clone(), *key)),
        _ => None,
    };
    Ok(vec![Share {
        contract,
        commitment: None,
        cost_e6,
        quantity_micros,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_contract_ids_from_contract_applied() {
        let ids = |raw: &str| {
            applied_elements(raw).map(|a| a.into_iter().map(|a| a.contract).collect::<Vec<_>>())
        };
        let raw = r#"{"Elements":[{"ContractId":"AWS-1","ContractCommitmentId":"AWS-1-y1","ContractCommitmentAppliedCost":12.5}]}"#;
        assert_eq!(ids(raw), Ok(vec!["AWS-1".to_owned()]));
        let raw = r#"{"Elements":[{"ContractID":"A"},{"ContractId":"B"}]}"#;
        assert_eq!(ids(raw), Ok(vec!["A".to_owned(), "B".to_owned()]));
        assert_eq!(ids(""), Ok(vec![]));
        assert_eq!(ids("AWS-1"), Ok(vec!["AWS-1".to_owned()]));
        assert!(ids("{not json").unwrap_err().contains("not valid JSON"));
    }

    #[test]
    fn reads_applied_costs_exactly() {
        let raw = r#"{"Elements":[{"ContractId":"A","ContractCommitmentAppliedCost":0.0159072,"ContractCommitmentAppliedQuantity":-2.5},{"ContractId":"B","ContractCommitmentAppliedCost":"1E-7"}]}"#;
        let applied = applied_elements(raw).unwrap();
        assert_eq!(applied[0].cost_e6, Some(15_907));
        assert_eq!(applied[0].quantity_micros, Some(-2_500_000));
        assert_eq!(applied[1].cost_e6, Some(0));
        assert_eq!(applied[1].quantity_micros, None);
    }
}
