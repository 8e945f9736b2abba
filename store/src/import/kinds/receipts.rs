//! `receipts.csv`: what arrived of a phase, and when.

use crate::import::columns::{ColumnSpec, Header};
use crate::import::insert::InsertRow;
use crate::import::pipeline::RowParser;
use crate::import::row_context::RowContext;
use domain::entries::RawReceipt;
use domain::{FieldError, NewReceipt};
use sea_orm::Value;

pub(crate) struct ReceiptRow {
    receipt: NewReceipt,
    phase_id: i64,
}

impl InsertRow for ReceiptRow {
    const TABLE: &'static str = "delivery_receipts";
    const COLUMNS: &'static [&'static str] = &[
        "phase_id",
        "date",
        "quantity_micros",
        "note",
        "power_micros",
    ];
    fn push_values(self, out: &mut Vec<Value>) {
        let r = self.receipt;
        out.extend([
            self.phase_id.into(),
            r.date.into(),
            r.quantity.micros().into(),
            r.note.into(),
            r.power.map(|q| q.micros()).into(),
        ]);
    }
}

impl RowParser for ReceiptRow {
    type Row = Self;
    type State = ();
    const FILE_COLUMNS: ColumnSpec = ColumnSpec {
        required: &["contract", "phase", "date", "quantity"],
        optional: &["note", "power_mw"],
    };

    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
        _: &mut (),
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let receipt = NewReceipt::parse(&RawReceipt::from_columns(|c| h.get(rec, c)))?;
        cx.lookups.check_open("date", receipt.date)?;
        let contract_id = cx.contract(&receipt.contract)?.id;
        let phase_id = *cx
            .lookups
            .phases
            .get(&(contract_id, receipt.phase.clone()))
            .ok_or_else(|| {
                vec![FieldError::new(
                    "phase",
                    format!(
                        "contract {:?} has no phase {:?}; add it to deliveries.csv first",
                        receipt.contract, receipt.phase
                    ),
                )]
            })?;
        Ok(Some(Self { receipt, phase_id }))
    }
}
