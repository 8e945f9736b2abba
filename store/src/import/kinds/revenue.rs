//! `revenue.csv`: revenue per period and currency.

use crate::import::columns::{ColumnSpec, Header};
use crate::import::insert::InsertRow;
use crate::import::pipeline::RowParser;
use crate::import::row_context::RowContext;
use chrono::NaiveDate;
use domain::entries::RawRevenue;
use domain::{FieldError, NewRevenue};
use sea_orm::Value;

pub(crate) struct RevenueRow {
    revenue: NewRevenue,
}

impl InsertRow for RevenueRow {
    const TABLE: &'static str = "revenue_entries";
    const COLUMNS: &'static [&'static str] = &["period_start", "amount_minor", "currency"];
    fn push_values(self, out: &mut Vec<Value>) {
        let r = self.revenue;
        out.extend([
            r.period_start.into(),
            r.amount.minor().into(),
            r.amount.currency().as_str().into(),
        ]);
    }
}

impl RowParser for RevenueRow {
    type Row = Self;
    type State = ();
    const FILE_COLUMNS: ColumnSpec = ColumnSpec {
        required: &["period_start", "amount", "currency"],
        optional: &[],
    };

    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
        _: &mut (),
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let revenue = NewRevenue::parse(&RawRevenue::from_columns(|c| h.get(rec, c)))?;
        cx.lookups
            .check_open("period_start", revenue.period_start)?;
        let key: (NaiveDate, _) = (revenue.period_start, revenue.amount.currency());
        let exists = cx.lookups.revenue_periods.contains(&key);
        let what = format!("revenue for {} in {}", key.0, key.1);
        cx.claim("period_start", &what, format!("{}{}", key.0, key.1), exists)?;
        cx.lookups.revenue_periods.insert(key);
        Ok(Some(Self { revenue }))
    }
}
