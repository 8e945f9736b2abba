//! `vendors.csv`: one vendor per row, by name.

use crate::import::columns::{ColumnSpec, Header};
use crate::import::insert::InsertRow;
use crate::import::pipeline::RowParser;
use crate::import::row_context::RowContext;
use chrono::{DateTime, Utc};
use domain::entries::RawVendor;
use domain::{FieldError, NewVendor};
use sea_orm::Value;

pub(crate) struct VendorRow {
    vendor: NewVendor,
    created_at: DateTime<Utc>,
}

impl InsertRow for VendorRow {
    const TABLE: &'static str = "vendors";
    const COLUMNS: &'static [&'static str] = &["name", "kind", "created_at"];
    fn push_values(self, out: &mut Vec<Value>) {
        out.extend([
            self.vendor.name.into(),
            self.vendor.kind.as_str().into(),
            self.created_at.into(),
        ]);
    }
}

impl RowParser for VendorRow {
    type Row = Self;
    type State = ();
    const FILE_COLUMNS: ColumnSpec = ColumnSpec {
        required: &["name"],
        optional: &["kind"],
    };

    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
        _: &mut (),
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let vendor = NewVendor::parse(&RawVendor::from_columns(|c| h.get(rec, c)))?;
        let exists = cx.lookups.vendors.contains_key(&vendor.name);
        cx.claim(
            "name",
            &format!("vendor {:?}", vendor.name),
            vendor.name.clone(),
            exists,
        )?;
        let id = cx.lookups.placeholder_id();
        cx.lookups.vendors.insert(vendor.name.clone(), id);
        Ok(Some(Self {
            vendor,
            created_at: cx.now,
        }))
    }
}
