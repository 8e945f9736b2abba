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

/// Usage columns as FOCUS rows fill them; ledger CSV rows leave the last four (source and
/// pricing currency) to their defaults (fewer parameters on the 10M-row path).
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
    "pricing_currency",
    "pricing_cost_e6",
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

    const BINDS_RAW: bool = true;
    const COPY_ON_POSTGRES: bool = true;

    fn bind_raw(&self, stmt: &mut rusqlite::Statement<'_>, first: usize) -> rusqlite::Result<()> {
        let (u, p) = (&self.usage, &self.placed);
        stmt.raw_bind_parameter(first, p.vendor_id)?;
        stmt.raw_bind_parameter(first + 1, p.contract_id)?;
        stmt.raw_bind_parameter(first + 2, p.commitment_id)?;
        // As sqlx writes a date: ISO text, so ranges compare the same either way.
        let mut date = [0u8; 10];
        stmt.raw_bind_parameter(first + 3, iso_date(u.date, &mut date))?;
        stmt.raw_bind_parameter(first + 4, u.amount_e6)?;
        stmt.raw_bind_parameter(first + 5, p.currency.as_str())?;
        stmt.raw_bind_parameter(first + 6, u.quantity.micros())?;
        stmt.raw_bind_parameter(first + 7, u.unit.as_str())?;
        stmt.raw_bind_parameter(first + 8, u.sku.as_str())?;
        stmt.raw_bind_parameter(first + 9, self.import_id)
    }
}

/// `YYYY-MM-DD` into a stack buffer (ten million `to_string`s were a measurable share).
fn iso_date(date: chrono::NaiveDate, out: &mut [u8; 10]) -> &str {
    use chrono::Datelike;
    let (y, m, d) = (date.year().clamp(0, 9999) as u32, date.month(), date.day());
    let digits = [
        y / 1000,
        y / 100 % 10,
        y / 10 % 10,
        y % 10,
        m / 10,
        m % 10,
        d / 10,
        d % 10,
    ];
    let positions = [0, 1, 2, 3, 5, 6, 8, 9];
    out[4] = b'-';
    out[7] = b'-';
    for (at, digit) in positions.iter().zip(digits) {
        out[*at] = b'0' + digit as u8;
    }
    std::str::from_utf8(out).unwrap_or("0000-00-00")
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_written_as_iso_text() {
        let mut buf = [0u8; 10];
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
        assert_eq!(super::iso_date(date, &mut buf), date.to_string());
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
