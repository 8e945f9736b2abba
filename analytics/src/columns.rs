//! A report frame's columns by the names its table prints (`committed`, not `committed_e6`),
//! read as typed values: what the dashboards use instead of parsing formatted cells back into
//! numbers. A renamed column fails loudly (`ColumnNotFound`), never silently.

use chrono::NaiveDate;
use polars::prelude::*;

pub struct Columns<'f> {
    frame: &'f DataFrame,
}

impl<'f> Columns<'f> {
    pub fn new(frame: &'f DataFrame) -> Self {
        Self { frame }
    }

    pub fn len(&self) -> usize {
        self.frame.height()
    }

    pub fn is_empty(&self) -> bool {
        self.frame.height() == 0
    }

    /// The frame's column printed as `name`: money is `name_e6`, a quantity `name_micros`.
    fn find(&self, name: &str) -> PolarsResult<&'f Series> {
        for candidate in [
            name.to_owned(),
            format!("{name}_e6"),
            format!("{name}_micros"),
        ] {
            if let Ok(column) = self.frame.column(&candidate) {
                return Ok(column.as_materialized_series());
            }
        }
        Err(PolarsError::ColumnNotFound(
            format!("the report has no column {name}").into(),
        ))
    }

    /// Text, "" where null.
    pub fn text(&self, name: &str) -> PolarsResult<Vec<String>> {
        let series = self.find(name)?.cast(&DataType::String)?;
        Ok(series
            .str()?
            .iter()
            .map(|v| v.unwrap_or_default().to_owned())
            .collect())
    }

    /// Money in minor units, rounded once as the report prints it (`domain::exact::to_minor`).
    pub fn minor(&self, name: &str) -> PolarsResult<Vec<Option<i64>>> {
        let series = self.frame.column(&format!("{name}_e6"))?;
        Ok(series
            .i64()?
            .iter()
            .map(|v| v.map(domain::exact::to_minor))
            .collect())
    }

    /// Money exactly, in millionths (to sum before rounding once).
    pub fn exact(&self, name: &str) -> PolarsResult<Vec<Option<i64>>> {
        Ok(self
            .frame
            .column(&format!("{name}_e6"))?
            .i64()?
            .iter()
            .collect())
    }

    /// A quantity in millionths of its unit.
    pub fn micros(&self, name: &str) -> PolarsResult<Vec<Option<i64>>> {
        Ok(self
            .frame
            .column(&format!("{name}_micros"))?
            .i64()?
            .iter()
            .collect())
    }

    pub fn dates(&self, name: &str) -> PolarsResult<Vec<Option<NaiveDate>>> {
        Ok(self.find(name)?.date()?.as_date_iter().collect())
    }

    pub fn ints(&self, name: &str) -> PolarsResult<Vec<Option<i64>>> {
        let series = self.find(name)?.cast(&DataType::Int64)?;
        Ok(series.i64()?.iter().collect())
    }

    pub fn floats(&self, name: &str) -> PolarsResult<Vec<Option<f64>>> {
        let series = self.find(name)?.cast(&DataType::Float64)?;
        Ok(series.f64()?.iter().collect())
    }

    /// Where a chart places each figure: money in currency units rounded to the cent as the
    /// table prints it, a quantity in its unit, counts and ratios as they are. The float only
    /// places a point; the printed cell stays the figure.
    pub fn plotted(&self, name: &str) -> PolarsResult<Vec<Option<f64>>> {
        let stored = self.find(name)?.name().as_str();
        let per_unit = |scale: u32| 10f64.powi(scale as i32);
        if stored.ends_with("_e6") {
            let cents = per_unit(domain::money::MINOR_PLACES);
            Ok(self
                .minor(name)?
                .into_iter()
                .map(|v| v.map(|m| m as f64 / cents))
                .collect())
        } else if stored.ends_with("_micros") {
            let micros = per_unit(domain::quantity::QUANTITY_PLACES);
            Ok(self
                .micros(name)?
                .into_iter()
                .map(|v| v.map(|m| m as f64 / micros))
                .collect())
        } else {
            self.floats(name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> DataFrame {
        df!(
            "contract" => ["C1", "C2"],
            "spent_e6" => [Some(1_005_000i64), None],
            "planned_quantity_micros" => [1_500_000i64, 2_000_000],
            "days_late" => [Some(3i64), None],
            "share" => [0.25f64, 0.75],
        )
        .unwrap()
    }

    #[test]
    fn money_is_read_in_cents_rounded_as_printed() {
        let f = frame();
        let c = Columns::new(&f);
        // 1.005 rounds half to even: 1.00, as the table prints it.
        assert_eq!(c.minor("spent").unwrap(), [Some(100), None]);
    }

    #[test]
    fn columns_are_found_by_their_printed_names() {
        let f = frame();
        let c = Columns::new(&f);
        assert_eq!(c.text("contract").unwrap(), ["C1", "C2"]);
        assert_eq!(
            c.micros("planned_quantity").unwrap(),
            [Some(1_500_000), Some(2_000_000)]
        );
        assert_eq!(c.ints("days_late").unwrap(), [Some(3), None]);
        assert_eq!(c.floats("share").unwrap(), [Some(0.25), Some(0.75)]);
        assert!(c.text("nope").is_err());
    }

    #[test]
    fn plotted_figures_are_the_printed_cells_as_numbers() {
        let f = frame();
        let c = Columns::new(&f);
        assert_eq!(c.plotted("spent").unwrap(), [Some(1.0), None]);
        assert_eq!(
            c.plotted("planned_quantity").unwrap(),
            [Some(1.5), Some(2.0)]
        );
        assert_eq!(c.plotted("days_late").unwrap(), [Some(3.0), None]);
        assert_eq!(c.plotted("share").unwrap(), [Some(0.25), Some(0.75)]);
        // The same float as the printed cell read as a number, to the last bit.
        let table = crate::ReportTable::from_frame(&f).unwrap();
        for (i, name) in ["spent", "planned_quantity", "days_late", "share"]
            .iter()
            .enumerate()
        {
            let printed: Vec<Option<f64>> =
                table.rows.iter().map(|r| r[i + 1].parse().ok()).collect();
            assert_eq!(c.plotted(name).unwrap(), printed, "{name}");
        }
    }
}
