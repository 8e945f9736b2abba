//! The ledger's commitments as a FOCUS 1.3 Contract Commitment dataset, and back.
//!
//! One row per commitment period: a `term` commitment is one row over its period; an annual,
//! quarterly or monthly one is a row per year, quarter or month, with the commitment's id and
//! `/Y1`, `/Q1`, `/M1`… and its amount (and quantity) split evenly, the last interval taking
//! what is left over, as the true-up does. Reading such rows back, an even split of one id
//! becomes that one commitment again; any other rows are commitments of their own, however
//! their periods fall. The dataset has no provider column, so the vendor travels in the
//! custom column `x_ServiceProviderName` (FOCUS reserves `x_` for these), or is given on
//! import for a provider's own file. `x_ContractTitle` and `x_CommitmentScope` carry the
//! contract's title and a commitment's scope. FOCUS periods end exclusively at midnight UTC;
//! the ledger's end dates are inclusive days.
//!
//! Import groups rows by `ContractId` into contracts and their commitments and feeds them
//! through the ledger's own contracts and commitments imports, so every rule and message is
//! the same. A contract already in the ledger gains the commitments it lacks; one it holds
//! with the same terms is skipped (re-importing an export adds nothing), one with other terms
//! is refused rather than overwritten.

use super::{ImportSource, LedgerFile, RowError};
use crate::entities::{commitment, contract, vendor};
use chrono::{NaiveDate, TimeDelta};
use domain::decimal::{format_scaled, format_scaled_trimmed, parse_rounded};
use domain::fulfillment::{intervals, minimums};
use domain::quantity::QUANTITY_PLACES;
use domain::{CommitmentCategory, CommitmentModel, FulfillmentInterval};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};

/// The FOCUS 1.3 columns in the spec's order, then the custom ones.
pub const COLUMNS: &[&str] = &[
    "BillingCurrency",
    "ContractCommitmentCategory",
    "ContractCommitmentCost",
    "ContractCommitmentDescription",
    "ContractCommitmentId",
    "ContractCommitmentPeriodEnd",
    "ContractCommitmentPeriodStart",
    "ContractCommitmentQuantity",
    "ContractCommitmentType",
    "ContractCommitmentUnit",
    "ContractId",
    "ContractPeriodEnd",
    "ContractPeriodStart",
    "x_ServiceProviderName",
    "x_ContractTitle",
    "x_CommitmentScope",
];

/// The columns a provider's file must have (the provider may come from the import instead).
const REQUIRED: &[&str] = &[
    "BillingCurrency",
    "ContractCommitmentCategory",
    "ContractCommitmentId",
    "ContractCommitmentPeriodEnd",
    "ContractCommitmentPeriodStart",
    "ContractId",
    "ContractPeriodEnd",
    "ContractPeriodStart",
];

fn focus_start(day: NaiveDate) -> String {
    format!("{day}T00:00:00Z")
}

/// The exclusive FOCUS end of an inclusive last day.
fn focus_end(last_day: NaiveDate) -> String {
    focus_start(last_day + TimeDelta::days(1))
}

fn model_type(model: CommitmentModel) -> &'static str {
    match model {
        CommitmentModel::BuildUp => "Build-up minimum spend",
        CommitmentModel::BurnDown => "Burn-down prepaid pool",
    }
}

/// The id suffix of an interval's row, and how the description names it.
fn interval_label(interval: FulfillmentInterval) -> (&'static str, &'static str) {
    match interval {
        FulfillmentInterval::Term => ("", "the period"),
        FulfillmentInterval::Annual => ("Y", "year"),
        FulfillmentInterval::Quarterly => ("Q", "quarter"),
        FulfillmentInterval::Monthly => ("M", "month"),
    }
}

/// `K/Y3` → (`K`, annual, 3).
fn split_id(id: &str) -> Option<(&str, FulfillmentInterval, usize)> {
    let (base, suffix) = id.rsplit_once('/')?;
    let interval = match suffix.chars().next()? {
        'Y' => FulfillmentInterval::Annual,
        'Q' => FulfillmentInterval::Quarterly,
        'M' => FulfillmentInterval::Monthly,
        _ => return None,
    };
    let n: usize = suffix[1..].parse().ok()?;
    (n >= 1 && !base.is_empty()).then_some((base, interval, n))
}

/// Writes every commitment of every contract (archived ones too); returns the row count.
pub async fn export(
    db: &impl ConnectionTrait,
    out: impl Write,
) -> Result<u64, super::super::export::ExportError> {
    let vendors = vendor_names(db).await?;
    let mut contracts = contract::Entity::find().all(db).await?;
    contracts.sort_by(|a, b| a.reference.cmp(&b.reference));
    let mut by_contract: HashMap<i64, Vec<commitment::Model>> = HashMap::new();
    for k in commitment::Entity::find().all(db).await? {
        by_contract.entry(k.contract_id).or_default().push(k);
    }
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(COLUMNS)?;
    let mut rows = 0;
    for c in contracts {
        let mut commitments = by_contract.remove(&c.id).unwrap_or_default();
        commitments.sort_by(|a, b| a.reference.cmp(&b.reference));
        for k in commitments {
            rows += write_commitment(&mut writer, &c, &k, &vendors)?;
        }
    }
    writer.flush()?;
    Ok(rows)
}

fn write_commitment(
    writer: &mut csv::Writer<impl Write>,
    c: &contract::Model,
    k: &commitment::Model,
    vendors: &HashMap<i64, String>,
) -> Result<u64, csv::Error> {
    let model = CommitmentModel::parse(&k.commitment_model).unwrap_or_default();
    let interval = FulfillmentInterval::parse(&k.fulfillment_interval).unwrap_or_default();
    let usage = k.category == CommitmentCategory::Usage.as_str();
    let periods = intervals(k.start_date, k.end_date, interval);
    let amounts = minimums(k.committed_minor, periods.len());
    let quantities = k.quantity_micros.map(|q| minimums(q, periods.len()));
    let (suffix, what) = interval_label(interval);
    let mut rows = 0;
    for (i, (&(from, to), amount)) in periods.iter().zip(amounts).enumerate() {
        let (id, over) = if interval == FulfillmentInterval::Term {
            (k.reference.clone(), what.to_owned())
        } else {
            (
                format!("{}/{suffix}{}", k.reference, i + 1),
                format!("{what} {}", i + 1),
            )
        };
        let quantity = quantities
            .as_ref()
            .map(|q| format_scaled_trimmed(q[i], QUANTITY_PLACES))
            .unwrap_or_default();
        // A usage commitment without an amount has no cost.
        let cost = if usage && k.committed_minor == 0 {
            String::new()
        } else {
            format_scaled(amount, domain::money::MINOR_PLACES)
        };
        let description = match (usage, model) {
            (true, _) => format!(
                "Usage commitment of {quantity} {} over {over} of {}",
                k.unit, k.reference
            ),
            (false, CommitmentModel::BuildUp) => format!(
                "Minimum spend of {cost} {} over {over} of {}; any shortfall is owed at its end",
                c.currency, k.reference
            ),
            (false, CommitmentModel::BurnDown) => format!(
                "Prepaid pool of {cost} {} over {over} of {}; usage beyond it is billed on demand",
                c.currency, k.reference
            ),
        };
        writer.write_record([
            c.currency.as_str(),
            if usage { "Usage" } else { "Spend" },
            &cost,
            &description,
            &id,
            &focus_end(to),
            &focus_start(from),
            &quantity,
            model_type(model),
            &k.unit,
            &c.reference,
            &focus_end(c.end_date),
            &focus_start(c.start_date),
            vendors.get(&c.vendor_id).map_or("", String::as_str),
            &c.title,
            &k.scope,
        ])?;
        rows += 1;
    }
    Ok(rows)
}

/// A FOCUS file turned into the ledger's own vendors, contracts and commitments files.
pub(super) struct Expanded {
    /// New vendors, contracts and commitments (any may be absent).
    pub sources: Vec<ImportSource>,
    /// The FOCUS line of each data line of the generated contracts file (index = line - 2).
    pub contract_lines: Vec<u64>,
    /// Likewise for the generated commitments file.
    pub commitment_lines: Vec<u64>,
    /// What was read but not imported, for the summary.
    pub skipped: Vec<String>,
}

/// The name of the contracts file generated from FOCUS file `name` (its commitments file
/// keeps the name).
pub(super) fn contracts_file_name(name: &str) -> String {
    format!("{name} (contracts)")
}

/// One row: a commitment period.
#[derive(Debug, Clone)]
struct Period {
    line: u64,
    id: String,
    category: CommitmentCategory,
    cost_minor: Option<i64>,
    quantity_micros: Option<i64>,
    unit: String,
    model: CommitmentModel,
    from: NaiveDate,
    to: NaiveDate,
    scope: String,
}

/// A commitment as the ledger holds it, for comparing and for writing `commitments.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Terms {
    reference: String,
    category: CommitmentCategory,
    committed_minor: i64,
    quantity_micros: Option<i64>,
    unit: String,
    model: CommitmentModel,
    interval: FulfillmentInterval,
    from: NaiveDate,
    to: NaiveDate,
    scope: String,
}

impl Terms {
    fn describe(&self) -> String {
        let amount = match self.quantity_micros {
            Some(q) => format!(
                "{} {}",
                format_scaled_trimmed(q, QUANTITY_PLACES),
                self.unit
            ),
            None => format_scaled(self.committed_minor, domain::money::MINOR_PLACES),
        };
        format!(
            "{amount} from {} to {}, {}, {}",
            self.from, self.to, self.model, self.interval
        )
    }
}

/// The contract a group of commitment rows describes.
struct Group {
    first_line: u64,
    vendor: String,
    title: String,
    currency: String,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    periods: Vec<Period>,
}

/// The commitments a contract's rows describe: an even interval split of one id folds back
/// into that commitment; every other row is a commitment over its own period.
fn commitments_of(periods: &[Period]) -> Vec<(u64, Terms)> {
    let single = |p: &Period| {
        (
            p.line,
            Terms {
                reference: p.id.clone(),
                category: p.category,
                committed_minor: p.cost_minor.unwrap_or(0),
                quantity_micros: p.quantity_micros,
                unit: p.unit.clone(),
                model: p.model,
                interval: FulfillmentInterval::Term,
                from: p.from,
                to: p.to,
                scope: p.scope.clone(),
            },
        )
    };
    let mut splits: BTreeMap<(String, &'static str), Vec<(usize, &Period)>> = BTreeMap::new();
    let mut out = Vec::new();
    for p in periods {
        match split_id(&p.id) {
            Some((base, interval, n)) => splits
                .entry((base.to_owned(), interval.as_str()))
                .or_default()
                .push((n, p)),
            None => out.push(single(p)),
        }
    }
    for ((base, interval), mut parts) in splits {
        parts.sort_by_key(|(n, _)| *n);
        let interval = FulfillmentInterval::parse(interval).unwrap_or_default();
        let first = parts[0].1;
        let last = parts[parts.len() - 1].1;
        let cost: i64 = parts.iter().map(|(_, p)| p.cost_minor.unwrap_or(0)).sum();
        let quantity: Option<i64> = parts
            .iter()
            .map(|(_, p)| p.quantity_micros)
            .sum::<Option<i64>>();
        let expected = intervals(first.from, last.to, interval);
        let numbered = parts.iter().enumerate().all(|(i, (n, _))| *n == i + 1);
        let same = parts.iter().all(|(_, p)| {
            p.category == first.category
                && p.model == first.model
                && p.unit == first.unit
                && p.scope == first.scope
                && p.cost_minor.is_some() == first.cost_minor.is_some()
        });
        let even = expected.len() == parts.len()
            && expected
                .iter()
                .zip(&parts)
                .all(|(&(from, to), (_, p))| (from, to) == (p.from, p.to))
            && minimums(cost, parts.len())
                == parts
                    .iter()
                    .map(|(_, p)| p.cost_minor.unwrap_or(0))
                    .collect::<Vec<_>>()
            && quantity.is_none_or(|q| {
                minimums(q, parts.len())
                    == parts
                        .iter()
                        .map(|(_, p)| p.quantity_micros.unwrap_or(0))
                        .collect::<Vec<_>>()
            });
        if numbered && same && even {
            out.push((
                first.line,
                Terms {
                    reference: base,
                    category: first.category,
                    committed_minor: cost,
                    quantity_micros: quantity,
                    unit: first.unit.clone(),
                    model: first.model,
                    interval,
                    from: first.from,
                    to: last.to,
                    scope: first.scope.clone(),
                },
            ));
        } else {
            out.extend(parts.iter().map(|(_, p)| single(p)));
        }
    }
    out.sort_by_key(|(line, _)| *line);
    out
}

/// Reads a Contract Commitment dataset; every bad row is reported with its line. `vendor`
/// names the provider of every contract when the file has no provider column.
pub(super) async fn expand(
    db: &impl ConnectionTrait,
    mut source: ImportSource,
) -> Result<Result<Expanded, Vec<RowError>>, DbErr> {
    let file = source.name.clone();
    let given_vendor = source.vendor.clone();
    let mut errors = Vec::new();
    let mut bytes = Vec::new();
    if let Err(e) = source.reader.read_to_end(&mut bytes) {
        push_error(
            &mut errors,
            &file,
            None,
            "",
            format!("cannot read the file: {e}"),
        );
        return Ok(Err(errors));
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim().trim_start_matches('\u{feff}').to_owned())
            .collect(),
        Err(e) => {
            push_error(&mut errors, &file, Some(1), "", e.to_string());
            return Ok(Err(errors));
        }
    };
    let at = |name: &str| header.iter().position(|h| h == name);
    let vendor_column = at("x_ServiceProviderName").or_else(|| at("ServiceProviderName"));
    for required in REQUIRED {
        if at(required).is_none() {
            push_error(
                &mut errors,
                &file,
                Some(1),
                required,
                "missing column; is this a FOCUS contract commitment file?".into(),
            );
        }
    }
    if vendor_column.is_none() && given_vendor.is_none() {
        push_error(&mut errors, &file,
            Some(1),
            "x_ServiceProviderName",
            "missing column: the FOCUS contract commitment dataset names no provider; give the vendor of its contracts (--vendor NAME, or the Vendor field of the import form), or add an x_ServiceProviderName column".into(),
        );
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                push_error(
                    &mut errors,
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
            push_error(&mut errors, &file, Some(line), column, reason);
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
                    push_error(&mut errors, &file, Some(line), column, reason);
                    None
                }
            };
        let period_start = day("ContractCommitmentPeriodStart", false);
        let period_end = day("ContractCommitmentPeriodEnd", true);
        let contract_start = day("ContractPeriodStart", false);
        let contract_end = day("ContractPeriodEnd", true);
        let mut bad = |column: &str, reason: String| {
            push_error(&mut errors, &file, Some(line), column, reason);
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
    let names = vendor_names(db).await?;
    let existing = existing_contracts(db, &names).await?;
    let vendors: std::collections::HashSet<&String> = names.values().collect();
    let mut contracts_csv = csv::Writer::from_writer(Vec::new());
    let mut commitments_csv = csv::Writer::from_writer(Vec::new());
    let mut vendors_csv = csv::Writer::from_writer(Vec::new());
    let _ = contracts_csv.write_record(LedgerFile::Contracts.column_names());
    let _ = commitments_csv.write_record(LedgerFile::Commitments.column_names());
    let _ = vendors_csv.write_record(LedgerFile::Vendors.column_names());
    let mut new_vendors = std::collections::BTreeSet::new();
    let mut contract_lines = Vec::new();
    let mut commitment_lines = Vec::new();
    let mut unchanged = 0u64;
    for (id, g) in groups {
        let (Some(start), Some(end)) = (g.start, g.end) else {
            continue;
        };
        let held = existing.get(&id);
        if let Some(held) = held {
            if (
                held.vendor.as_str(),
                held.currency.as_str(),
                held.start,
                held.end,
            ) != (g.vendor.as_str(), g.currency.as_str(), start, end)
            {
                push_error(&mut errors, &file,
                    Some(g.first_line),
                    "ContractId",
                    format!(
                        "contract {id:?} is already in the ledger with a different provider, currency or period ({}, {}, {} to {}); it is not overwritten",
                        held.vendor, held.currency, held.start, held.end
                    ),
                );
                continue;
            }
        }
        let mut added = 0;
        for (line, terms) in commitments_of(&g.periods) {
            match held.and_then(|h| h.commitments.iter().find(|k| k.reference == terms.reference)) {
                Some(same) if *same == terms => {}
                Some(other) => push_error(&mut errors, &file,
                    Some(line),
                    "ContractCommitmentId",
                    format!(
                        "commitment {:?} of contract {id:?} is already in the ledger with different terms ({}); it is not overwritten",
                        terms.reference, other.describe()
                    ),
                ),
                None => {
                    added += 1;
                    let quantity = terms
                        .quantity_micros
                        .map(|q| format_scaled_trimmed(q, QUANTITY_PLACES))
                        .unwrap_or_default();
                    let _ = commitments_csv.write_record([
                        id.as_str(),
                        &terms.reference,
                        &terms.from.to_string(),
                        &terms.to.to_string(),
                        terms.category.as_str(),
                        &format_scaled(terms.committed_minor, domain::money::MINOR_PLACES),
                        &quantity,
                        &terms.unit,
                        terms.model.as_str(),
                        terms.interval.as_str(),
                        &terms.scope,
                    ]);
                    commitment_lines.push(line);
                }
            }
        }
        if held.is_some() {
            if added == 0 {
                unchanged += 1;
            }
            continue;
        }
        if !vendors.contains(&g.vendor) {
            new_vendors.insert(g.vendor.clone());
        }
        // No amount: the contract's commitments are all in the commitments file.
        let _ = contracts_csv.write_record([
            id.as_str(),
            &g.vendor,
            &start.to_string(),
            &end.to_string(),
            "",
            &g.currency,
            &g.title,
            "",
            "",
            "",
        ]);
        contract_lines.push(g.first_line);
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    for name in &new_vendors {
        let _ = vendors_csv.write_record([name.as_str(), ""]);
    }
    let mut skipped = Vec::new();
    if unchanged > 0 {
        skipped.push(format!(
            "{unchanged} contracts already in the ledger with the same terms"
        ));
    }
    let mut sources = Vec::new();
    if !new_vendors.is_empty() {
        let bytes = vendors_csv.into_inner().unwrap_or_default();
        sources.push(ImportSource::from_bytes(LedgerFile::Vendors, &file, bytes));
    }
    if !contract_lines.is_empty() {
        let bytes = contracts_csv.into_inner().unwrap_or_default();
        sources.push(ImportSource::from_bytes(
            LedgerFile::Contracts,
            &contracts_file_name(&file),
            bytes,
        ));
    }
    if !commitment_lines.is_empty() {
        let bytes = commitments_csv.into_inner().unwrap_or_default();
        sources.push(ImportSource::from_bytes(
            LedgerFile::Commitments,
            &file,
            bytes,
        ));
    }
    Ok(Ok(Expanded {
        sources,
        contract_lines,
        commitment_lines,
        skipped,
    }))
}

/// A contract already in the ledger: what must match, and the commitments it holds.
struct Held {
    vendor: String,
    currency: String,
    start: NaiveDate,
    end: NaiveDate,
    commitments: Vec<Terms>,
}

async fn existing_contracts(
    db: &impl ConnectionTrait,
    vendors: &HashMap<i64, String>,
) -> Result<HashMap<String, Held>, DbErr> {
    let mut by_contract: HashMap<i64, Vec<Terms>> = HashMap::new();
    for k in commitment::Entity::find().all(db).await? {
        by_contract.entry(k.contract_id).or_default().push(Terms {
            category: CommitmentCategory::parse(&k.category).unwrap_or_default(),
            committed_minor: k.committed_minor,
            quantity_micros: k.quantity_micros,
            unit: k.unit,
            model: CommitmentModel::parse(&k.commitment_model).unwrap_or_default(),
            interval: FulfillmentInterval::parse(&k.fulfillment_interval).unwrap_or_default(),
            from: k.start_date,
            to: k.end_date,
            scope: k.scope,
            reference: k.reference,
        });
    }
    Ok(contract::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| {
            let held = Held {
                vendor: vendors.get(&c.vendor_id).cloned().unwrap_or_default(),
                currency: c.currency,
                start: c.start_date,
                end: c.end_date,
                commitments: by_contract.remove(&c.id).unwrap_or_default(),
            };
            (c.reference, held)
        })
        .collect())
}

async fn vendor_names(db: &impl ConnectionTrait) -> Result<HashMap<i64, String>, DbErr> {
    Ok(vendor::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect())
}

fn push_error(
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

/// A FOCUS date-time as a ledger day; an exclusive end at midnight is the day before.
fn focus_day(raw: &str, exclusive_end: bool) -> Result<NaiveDate, String> {
    let at = super::focus::utc_datetime(raw)?;
    if !exclusive_end {
        return Ok(at.date());
    }
    if at.time() == chrono::NaiveTime::MIN {
        Ok(at.date() - TimeDelta::days(1))
    } else {
        Ok(at.date())
    }
}

/// Ledger column names in errors from the generated files, as the FOCUS columns.
pub(super) fn focus_column(ledger_column: &str, contracts_file: bool) -> &str {
    match ledger_column {
        "start_date" if contracts_file => "ContractPeriodStart",
        "end_date" if contracts_file => "ContractPeriodEnd",
        "reference" | "contract" => "ContractId",
        "commitment" => "ContractCommitmentId",
        "quantity" => "ContractCommitmentQuantity",
        "unit" => "ContractCommitmentUnit",
        "scope" => "x_CommitmentScope",
        "vendor" => "x_ServiceProviderName",
        "start_date" => "ContractCommitmentPeriodStart",
        "end_date" => "ContractCommitmentPeriodEnd",
        "committed_amount" => "ContractCommitmentCost",
        "currency" => "BillingCurrency",
        "title" => "x_ContractTitle",
        "name" => "x_ServiceProviderName",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_periods_end_exclusively() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(focus_end(d("2032-10-31")), "2032-11-01T00:00:00Z");
        assert_eq!(focus_day("2032-11-01T00:00:00Z", true), Ok(d("2032-10-31")));
        assert_eq!(
            focus_day("2025-11-01T00:00:00Z", false),
            Ok(d("2025-11-01"))
        );
        assert!(focus_day("Nov 1", false)
            .unwrap_err()
            .contains("FOCUS date-time"));
    }
}
