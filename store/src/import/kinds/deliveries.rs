//! `deliveries.csv`: the planned delivery phases of contracts.

use crate::import::columns::{ColumnSpec, Header};
use crate::import::insert::InsertRow;
use crate::import::pipeline::RowParser;
use crate::import::row_context::RowContext;
use domain::entries::RawPhase;
use domain::{FieldError, NewPhase};
use sea_orm::Value;

pub(crate) struct PhaseRow {
    phase: NewPhase,
    contract_id: i64,
}

impl InsertRow for PhaseRow {
    const TABLE: &'static str = "delivery_phases";
    const COLUMNS: &'static [&'static str] = &[
        "contract_id",
        "phase",
        "resource",
        "region",
        "planned_date",
        "planned_quantity_micros",
        "planned_power_micros",
    ];
    fn push_values(self, out: &mut Vec<Value>) {
        let p = self.phase;
        out.extend([
            self.contract_id.into(),
            p.phase.into(),
            p.resource.into(),
            p.region.into(),
            p.planned_date.into(),
            p.planned_quantity.micros().into(),
            p.planned_power.map(|q| q.micros()).into(),
        ]);
    }
}

impl RowParser for PhaseRow {
    type Row = Self;
    type State = ();
    const FILE_COLUMNS: ColumnSpec = ColumnSpec {
        required: &[
            "contract",
            "phase",
            "resource",
            "region",
            "planned_date",
            "planned_quantity",
        ],
        optional: &["planned_power_mw"],
    };

    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
        _: &mut (),
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let phase = NewPhase::parse(&RawPhase::from_columns(|c| h.get(rec, c)))?;
        let contract_id = cx.contract(&phase.contract)?.id;
        let key = (contract_id, phase.phase.clone());
        let exists = cx.lookups.phases.contains_key(&key);
        let what = format!("phase {:?} of contract {:?}", phase.phase, phase.contract);
        cx.claim(
            "phase",
            &what,
            format!("{}\u{0}{}", phase.contract, phase.phase),
            exists,
        )?;
        let id = cx.lookups.placeholder_id();
        cx.lookups.phases.insert(key, id);
        Ok(Some(Self { phase, contract_id }))
    }
}
