//! `usage.csv`: spend and quantity per day, on a contract (and commitment) or under none.

use crate::import::columns::{ColumnSpec, Header};
use crate::import::insert::InsertRow;
use crate::import::pipeline::RowParser;
use crate::import::row_context::PlacedUsage;
use crate::import::row_context::RowContext;
use domain::entries::RawUsage;
use domain::{FieldError, NewUsage};
use sea_orm::Value;

pub(crate) struct UsageRow {
    pub usage: NewUsage,
    pub placed: PlacedUsage,
    pub import_id: i64,
}

/// Usage columns as FOCUS rows fill them; ledger CSV rows leave the last two to their
/// defaults (fewer parameters on the 10M-row path).
pub(crate) const USAGE_COLUMNS_WITH_SOURCE: &[&str] = &[
    "vendor_id",
    "contract_id",
    "commitment_id",
    "date",
    "amount_e6",
    "currency",
    "quantity_micros",
    "unit",
    "sku",
    "import_id",
    "region",
    "row_hash",
];

impl InsertRow for UsageRow {
    const TABLE: &'static str = "usage_entries";
    const COLUMNS: &'static [&'static str] = USAGE_COLUMNS_WITH_SOURCE.split_at(10).0;
    fn push_values(self, out: &mut Vec<Value>) {
        let u = self.usage;
        out.extend([
            self.placed.vendor_id.into(),
            self.placed.contract_id.into(),
            self.placed.commitment_id.into(),
            u.date.into(),
            u.amount_e6.into(),
            self.placed.currency.as_str().into(),
            u.quantity.micros().into(),
            u.unit.into(),
            u.sku.into(),
            self.import_id.into(),
        ]);
    }
}

impl RowParser for UsageRow {
    type Row = Self;
    type State = ();
    const FILE_COLUMNS: ColumnSpec = ColumnSpec {
        required: &["contract", "date", "amount", "quantity", "unit", "sku"],
        // Spend under no contract: an empty contract, the vendor and the currency. A
        // commitment names the contract's commitment the spend is applied to.
        optional: &["vendor", "currency", "commitment"],
    };

    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
        _: &mut (),
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let usage = NewUsage::parse(&RawUsage::from_columns(|c| h.get(rec, c)))?;
        let placed = cx.place(&usage)?;
        cx.lookups.check_open("date", usage.date)?;
        cx.add_to_day(&placed, &usage)?;
        Ok(Some(Self {
            usage,
            placed,
            import_id: cx.import_id,
        }))
    }
}
