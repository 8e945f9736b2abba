//! `contracts.csv`: one contract per row, with its own commitment when the row states an amount.

use crate::import::columns::{ColumnSpec, Header};
use crate::import::insert::InsertRow;
use crate::import::lookups::ContractKey;
use crate::import::pipeline::RowParser;
use crate::import::row_context::RowContext;
use chrono::{DateTime, Utc};
use domain::entries::RawContract;
use domain::{FieldError, NewContract};
use sea_orm::Value;

pub(crate) struct ContractRow {
    contract: NewContract,
    vendor_id: i64,
    created_at: DateTime<Utc>,
}

impl InsertRow for ContractRow {
    const TABLE: &'static str = "contracts";
    const COLUMNS: &'static [&'static str] = &[
        "reference",
        "vendor_id",
        "title",
        "start_date",
        "end_date",
        "committed_minor",
        "currency",
        "commitment_model",
        "fulfillment_interval",
        "notes",
        "created_at",
    ];
    fn push_values(self, out: &mut Vec<Value>) {
        let c = self.contract;
        out.extend([
            c.reference.into(),
            self.vendor_id.into(),
            c.title.into(),
            c.term.start().into(),
            c.term.end().into(),
            // Retired columns (the terms are the own commitment's, in `commitments`).
            0i64.into(),
            c.currency.as_str().into(),
            domain::CommitmentModel::default().as_str().into(),
            domain::FulfillmentInterval::default().as_str().into(),
            c.notes.into(),
            self.created_at.into(),
        ]);
    }
}

impl RowParser for ContractRow {
    type Row = Self;
    type State = ();
    const FILE_COLUMNS: ColumnSpec = ColumnSpec {
        required: &[
            "reference",
            "vendor",
            "start_date",
            "end_date",
            "committed_amount",
            "currency",
        ],
        optional: &["title", "commitment_model", "fulfillment_interval", "notes"],
    };

    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
        _: &mut (),
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let parsed = Self::parse_contract(h, rec, cx);
        if parsed.is_err() {
            let reference = h.get(rec, "reference").trim().to_owned();
            cx.lookups.refused_contracts.insert(reference);
        }
        parsed
    }
}

impl ContractRow {
    fn parse_contract(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let contract = NewContract::parse(&RawContract::from_columns(|c| h.get(rec, c)))?;
        let vendor_id = *cx.lookups.vendors.get(&contract.vendor).ok_or_else(|| {
            vec![FieldError::new(
                "vendor",
                format!(
                    "unknown vendor {:?}; add it to vendors.csv first",
                    contract.vendor
                ),
            )]
        })?;
        let exists = cx.lookups.contracts.contains_key(&contract.reference);
        cx.claim(
            "reference",
            &format!("contract reference {:?}", contract.reference),
            contract.reference.clone(),
            exists,
        )?;
        let key = ContractKey {
            id: cx.lookups.placeholder_id(),
            vendor_id,
            currency: contract.currency,
            term: contract.term,
        };
        cx.lookups.contracts.insert(contract.reference.clone(), key);
        if let Some(own) = crate::ledger::commitments::own_terms(&contract) {
            let id = cx.lookups.placeholder_id();
            cx.lookups
                .commitments
                .entry(contract.reference.clone())
                .or_default()
                .push(domain::commitment::Applicable {
                    id,
                    reference: own.reference.clone(),
                    period: own.period,
                    scope: own.scope.clone(),
                });
            cx.own_commitments.push(own);
        }
        Ok(Some(Self {
            contract,
            vendor_id,
            created_at: cx.now,
        }))
    }
}
