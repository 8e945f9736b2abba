//! A FOCUS commitment row (a period) and the commitment the ledger holds (its terms): an even
//! interval split of one id folds back into one commitment.

use chrono::NaiveDate;
use domain::decimal::{format_scaled, format_scaled_trimmed};
use domain::fulfillment::{intervals, minimums};
use domain::quantity::QUANTITY_PLACES;
use domain::{CommitmentCategory, CommitmentModel, FulfillmentInterval};
use std::collections::BTreeMap;

pub(super) fn model_type(model: CommitmentModel) -> &'static str {
    match model {
        CommitmentModel::BuildUp => "Build-up minimum spend",
        CommitmentModel::BurnDown => "Burn-down prepaid pool",
    }
}

/// The id suffix of an interval's row, and how the description names it.
pub(super) fn interval_label(interval: FulfillmentInterval) -> (&'static str, &'static str) {
    match interval {
        FulfillmentInterval::Term => ("", "the period"),
        FulfillmentInterval::Annual => ("Y", "year"),
        FulfillmentInterval::Quarterly => ("Q", "quarter"),
        FulfillmentInterval::Monthly => ("M", "month"),
    }
}

/// `K/Y3` → (`K`, annual, 3).
pub(super) fn split_id(id: &str) -> Option<(&str, FulfillmentInterval, usize)> {
    let (base, suffix) = id.rsplit_once('/')?;
    let interval = match suffix.chars().next()? {
        'Y' => FulfillmentInterval::Annual,
        'Q' => FulfillmentInterval::Quarterly,
        'M' => FulfillmentInterval::Monthly,
        _ => return None,
    };
    let n: usize = suffix[1..].parse().ok()?;
    (n >= 1 && !base.is_empty()).then_some((base, interval, n))
}

/// One row: a commitment period.
#[derive(Debug, Clone)]
pub(super) struct Period {
    pub(super) line: u64,
    pub(super) id: String,
    pub(super) category: CommitmentCategory,
    pub(super) cost_minor: Option<i64>,
    pub(super) quantity_micros: Option<i64>,
    pub(super) unit: String,
    pub(super) model: CommitmentModel,
    pub(super) from: NaiveDate,
    pub(super) to: NaiveDate,
    pub(super) scope: String,
}

/// A commitment as the ledger holds it, for comparing and for writing `commitments.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Terms {
    pub(super) reference: String,
    pub(super) category: CommitmentCategory,
    pub(super) committed_minor: i64,
    pub(super) quantity_micros: Option<i64>,
    pub(super) unit: String,
    pub(super) model: CommitmentModel,
    pub(super) interval: FulfillmentInterval,
    pub(super) from: NaiveDate,
    pub(super) to: NaiveDate,
    pub(super) scope: String,
}

impl Terms {
    pub(super) fn describe(&self) -> String {
        let amount = match self.quantity_micros {
            Some(q) => format!(
                "{} {}",
                format_scaled_trimmed(q, QUANTITY_PLACES),
                self.unit
            ),
            None => format_scaled(self.committed_minor, domain::money::MINOR_PLACES),
        };
        format!(
            "{amount} from {} to {}, {}, {}",
            self.from, self.to, self.model, self.interval
        )
    }
}

/// The contract a group of commitment rows describes.
pub(super) struct Group {
    pub(super) first_line: u64,
    pub(super) vendor: String,
    pub(super) title: String,
    pub(super) currency: String,
    pub(super) start: Option<NaiveDate>,
    pub(super) end: Option<NaiveDate>,
    pub(super) periods: Vec<Period>,
}

/// The commitments a contract's rows describe: an even interval split of one id folds back
/// into that commitment; every other row is a commitment over its own period.
pub(super) fn commitments_of(periods: &[Period]) -> Vec<(u64, Terms)> {
    let single = |p: &Period| {
        (
            p.line,
            Terms {
                reference: p.id.clone(),
                category: p.category,
                committed_minor: p.cost_minor.unwrap_or(0),
                quantity_micros: p.quantity_micros,
                unit: p.unit.clone(),
                model: p.model,
                interval: FulfillmentInterval::Term,
                from: p.from,
                to: p.to,
                scope: p.scope.clone(),
            },
        )
    };
    let mut splits: BTreeMap<(String, &'static str), Vec<(usize, &Period)>> = BTreeMap::new();
    let mut out = Vec::new();
    for p in periods {
        match split_id(&p.id) {
            Some((base, interval, n)) => splits
                .entry((base.to_owned(), interval.as_str()))
                .or_default()
                .push((n, p)),
            None => out.push(single(p)),
        }
    }
    for ((base, interval), mut parts) in splits {
        parts.sort_by_key(|(n, _)| *n);
        let interval = FulfillmentInterval::parse(interval).unwrap_or_default();
        let first = parts[0].1;
        let last = parts[parts.len() - 1].1;
        let cost: i64 = parts.iter().map(|(_, p)| p.cost_minor.unwrap_or(0)).sum();
        let quantity: Option<i64> = parts
            .iter()
            .map(|(_, p)| p.quantity_micros)
            .sum::<Option<i64>>();
        let expected = intervals(first.from, last.to, interval);
        let numbered = parts.iter().enumerate().all(|(i, (n, _))| *n == i + 1);
        let same = parts.iter().all(|(_, p)| {
            p.category == first.category
                && p.model == first.model
                && p.unit == first.unit
                && p.scope == first.scope
                && p.cost_minor.is_some() == first.cost_minor.is_some()
        });
        let even = expected.len() == parts.len()
            && expected
                .iter()
                .zip(&parts)
                .all(|(&(from, to), (_, p))| (from, to) == (p.from, p.to))
            && minimums(cost, parts.len())
                == parts
                    .iter()
                    .map(|(_, p)| p.cost_minor.unwrap_or(0))
                    .collect::<Vec<_>>()
            && quantity.is_none_or(|q| {
                minimums(q, parts.len())
                    == parts
                        .iter()
                        .map(|(_, p)| p.quantity_micros.unwrap_or(0))
                        .collect::<Vec<_>>()
            });
        if numbered && same && even {
            out.push((
                first.line,
                Terms {
                    reference: base,
                    category: first.category,
                    committed_minor: cost,
                    quantity_micros: quantity,
                    unit: first.unit.clone(),
                    model: first.model,
                    interval,
                    from: first.from,
                    to: last.to,
                    scope: first.scope.clone(),
                },
            ));
        } else {
            out.extend(parts.iter().map(|(_, p)| single(p)));
        }
    }
    out.sort_by_key(|(line, _)| *line);
    out
}
