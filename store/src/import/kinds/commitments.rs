//! `commitments.csv`: further commitments of contracts already in the ledger or in this import.

use crate::import::columns::{ColumnSpec, Header};
use crate::import::insert::InsertRow;
use crate::import::pipeline::RowParser;
use crate::import::row_context::RowContext;
use chrono::{DateTime, Utc};
use domain::FieldError;
use sea_orm::Value;

/// A commitment ready for its table, with its contract's id.
pub(crate) struct CommitmentRow {
    pub commitment: domain::NewCommitment,
    pub contract_id: i64,
    pub created_at: DateTime<Utc>,
}

impl InsertRow for CommitmentRow {
    const TABLE: &'static str = "commitments";
    const COLUMNS: &'static [&'static str] = &[
        "contract_id",
        "reference",
        "category",
        "committed_minor",
        "quantity_micros",
        "unit",
        "commitment_model",
        "fulfillment_interval",
        "start_date",
        "end_date",
        "scope",
        "created_at",
    ];
    fn push_values(self, out: &mut Vec<Value>) {
        let k = self.commitment;
        out.extend([
            self.contract_id.into(),
            k.reference.into(),
            k.category.as_str().into(),
            k.committed.minor().into(),
            k.quantity.map(|q| q.micros()).into(),
            k.unit.into(),
            k.model.as_str().into(),
            k.interval.as_str().into(),
            k.period.start().into(),
            k.period.end().into(),
            k.scope.as_text().into(),
            self.created_at.into(),
        ]);
    }
}

impl RowParser for CommitmentRow {
    type Row = Self;
    type State = ();
    const FILE_COLUMNS: ColumnSpec = ColumnSpec {
        required: &["contract", "commitment", "start_date", "end_date"],
        optional: &[
            "category",
            "committed_amount",
            "quantity",
            "unit",
            "commitment_model",
            "fulfillment_interval",
            "scope",
        ],
    };

    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
        _: &mut (),
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let get = |c| h.get(rec, c);
        let reference = get("contract").trim();
        if cx.lookups.refused_contracts.contains(reference) {
            // Its contract's errors are reported already; the import fails on them.
            return Ok(None);
        }
        let key = cx.contract(reference).map_err(|mut e| {
            e.iter_mut().for_each(|e| {
                e.reason.push_str("; add it to contracts.csv first");
            });
            e
        })?;
        let commitment = domain::NewCommitment::parse(
            &domain::commitment::RawCommitment::from_columns(|c| h.get(rec, c)),
            key.currency,
        )?;
        commitment.check_within(&key.term).map_err(|e| vec![e])?;
        let exists = cx
            .lookups
            .commitments
            .get(reference)
            .is_some_and(|ks| ks.iter().any(|k| k.reference == commitment.reference));
        cx.claim(
            "commitment",
            &format!(
                "commitment {:?} of contract {reference:?}",
                commitment.reference
            ),
            format!("{reference}\u{1f}{}", commitment.reference),
            exists,
        )?;
        let id = cx.lookups.placeholder_id();
        cx.lookups
            .commitments
            .entry(reference.to_owned())
            .or_default()
            .push(domain::commitment::Applicable {
                id,
                reference: commitment.reference.clone(),
                period: commitment.period,
                scope: commitment.scope.clone(),
            });
        Ok(Some(Self {
            commitment,
            contract_id: key.id,
            created_at: cx.now,
        }))
    }
}
