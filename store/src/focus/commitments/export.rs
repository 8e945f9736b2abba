//! The ledger's commitments written as a FOCUS Contract Commitment dataset: one row per
//! commitment period.

use super::columns::COLUMNS;
use super::terms::{interval_label, model_type};
use crate::entities::{commitment, contract};
use crate::export::ExportError;
use crate::focus::time::{focus_end, focus_start};
use domain::decimal::{format_scaled, format_scaled_trimmed};
use domain::fulfillment::{intervals, minimums};
use domain::quantity::QUANTITY_PLACES;
use domain::{CommitmentCategory, CommitmentModel, FulfillmentInterval};
use sea_orm::{ConnectionTrait, EntityTrait};
use std::collections::HashMap;
use std::io::Write;

/// Writes every commitment of every contract (archived ones too); returns the row count.
pub async fn export(db: &impl ConnectionTrait, out: impl Write) -> Result<u64, ExportError> {
    let vendors = super::held::vendor_names(db).await?;
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
