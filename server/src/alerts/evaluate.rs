//! What each rule finds in the ledger as of a day: read from the same reports the dashboards
//! show (so an alert and the page it links to agree), and from the vendor statements.

use analytics::Filters;
use app::state::AppState;
use chrono::{NaiveDate, TimeDelta};
use domain::alerts::{AlertKind, AlertScope};
use domain::views::ContractOverview;
use domain::ReportName;
use reports::ReportRequest;
use std::collections::HashMap;
use store::alerts::firing::Finding;
use store::alerts::rules::RuleRow;

/// The findings of one rule as of `as_of`; `overviews` (every contract) is read once for all the rules.
pub async fn findings(
    state: &AppState,
    rule: &RuleRow,
    overviews: &[ContractOverview],
    as_of: NaiveDate,
) -> anyhow::Result<Vec<Finding>> {
    let r = &rule.rule;
    let x = r.threshold();
    let request = ReportRequest::new(filters(&r.scope, as_of));
    let report = |name| reports::run(&state.reports, &state.db, name, &request);
    let currency: HashMap<&str, &str> = overviews
        .iter()
        .map(|c| (c.reference.as_str(), c.currency.as_str()))
        .collect();
    let money = |contract: &str, e6: i64| {
        let minor = domain::exact::to_minor(e6);
        let code = currency.get(contract).copied().unwrap_or("");
        format!(
            "{} {code}",
            domain::decimal::format_scaled(minor, domain::money::MINOR_PLACES)
        )
    };
    let mut found = Vec::new();
    match r.kind {
        AlertKind::Pace | AlertKind::Exhaustion => {
            let p = report(ReportName::Projection).await?;
            let c = p.columns();
            let (contracts, commitments) = (c.text("contract")?, c.text("commitment")?);
            let (burned, elapsed) = (c.floats("burned_share")?, c.floats("term_elapsed_share")?);
            let exhaustion = c.dates("exhaustion_date")?;
            for i in 0..contracts.len() {
                let subject = format!("{}/{}", contracts[i], commitments[i]);
                let link = format!("/contracts/{}", contracts[i]);
                if r.kind == AlertKind::Pace {
                    let (Some(b), Some(e)) = (burned[i], elapsed[i]) else {
                        continue;
                    };
                    let gap = (b - e) * 100.0;
                    if e > 0.0 && e < 1.0 && gap.abs() > x {
                        let way = if gap > 0.0 { "ahead of" } else { "behind" };
                        found.push(Finding {
                            figure: format!(
                                "burned {:.1}% vs {:.1}% of the term elapsed",
                                b * 100.0,
                                e * 100.0
                            ),
                            message: format!(
                                "{subject} is burning {way} pace by {:.1} points",
                                gap.abs()
                            ),
                            subject,
                            link,
                        });
                    }
                } else if let Some(day) = exhaustion[i] {
                    let days = (day - as_of).num_days();
                    if (0..=x as i64).contains(&days) {
                        found.push(Finding {
                            figure: format!("exhausted {day} ({days} days)"),
                            message: format!(
                                "{subject} is projected to use up its commitment on {day}"
                            ),
                            subject,
                            link,
                        });
                    }
                }
            }
        }
        AlertKind::ProjectedTrueUp | AlertKind::TrueUpOwed => {
            let t = report(ReportName::TrueUp).await?;
            let c = t.columns();
            let (contracts, commitments) = (c.text("contract")?, c.text("commitment")?);
            let (status, starts) = (c.text("status")?, c.dates("interval_start")?);
            let true_up = t
                .frame
                .column("true_up_e6")?
                .i64()?
                .iter()
                .collect::<Vec<_>>();
            let wanted = if r.kind == AlertKind::TrueUpOwed {
                "owed"
            } else {
                "projected"
            };
            for i in 0..contracts.len() {
                let amount = true_up[i].unwrap_or(0);
                if status[i] != wanted || amount <= r.threshold_e6 {
                    continue;
                }
                let start = starts[i].map(|d| d.to_string()).unwrap_or_default();
                let subject = format!("{}/{}/{start}", contracts[i], commitments[i]);
                found.push(Finding {
                    figure: format!("true-up {}", money(&contracts[i], amount)),
                    message: format!(
                        "{}/{}: a true-up of {} is {wanted} for the interval from {start}",
                        contracts[i],
                        commitments[i],
                        money(&contracts[i], amount)
                    ),
                    subject,
                    link: "/dashboards/burndown".into(),
                });
            }
        }
        AlertKind::SpendHhi => {
            let k = report(ReportName::Concentration).await?;
            let c = k.columns();
            let (months, hhi) = (c.dates("month")?, c.floats("hhi")?);
            if let Some(i) = (0..months.len()).max_by_key(|i| months[*i]) {
                let level = hhi[i].unwrap_or(0.0);
                if level > x {
                    let month = months[i]
                        .map(|m| m.format("%Y-%m").to_string())
                        .unwrap_or_default();
                    found.push(Finding {
                        subject: "portfolio".into(),
                        figure: format!("HHI {level:.0} in {month}"),
                        message: format!(
                            "Spend in {month} is concentrated: HHI {level:.0} is above {x:.0}"
                        ),
                        link: "/dashboards/concentration".into(),
                    });
                }
            }
        }
        AlertKind::CommitmentHhi => {
            let k = report(ReportName::CommitmentConcentration).await?;
            let level = k
                .columns()
                .floats("hhi")?
                .first()
                .copied()
                .flatten()
                .unwrap_or(0.0);
            if level > x {
                found.push(Finding {
                    subject: "portfolio".into(),
                    figure: format!("HHI {level:.0}"),
                    message: format!(
                        "Commitments are concentrated: HHI {level:.0} is above {x:.0}"
                    ),
                    link: "/dashboards/concentration".into(),
                });
            }
        }
        AlertKind::PhaseLate | AlertKind::ReceiptShort => {
            let s = report(ReportName::Slippage).await?;
            let c = s.columns();
            let (contracts, phases) = (c.text("contract")?, c.text("phase")?);
            let planned_dates = c.dates("planned_date")?;
            let planned = c.micros("planned_quantity")?;
            let outstanding = c.micros("outstanding_quantity")?;
            // The last row of a phase holds what it has received in all.
            let mut last: HashMap<(String, String), usize> = HashMap::new();
            for i in 0..contracts.len() {
                last.insert((contracts[i].clone(), phases[i].clone()), i);
            }
            let mut phases_now: Vec<_> = last.into_iter().collect();
            phases_now.sort();
            for ((contract, phase), i) in phases_now {
                let (Some(due), Some(planned), Some(left)) =
                    (planned_dates[i], planned[i], outstanding[i])
                else {
                    continue;
                };
                let late = (as_of - due).num_days();
                let subject = format!("{contract}/{phase}");
                let link = "/dashboards/deliveries".to_owned();
                let quantity = |m: i64| domain::decimal::format_scaled_trimmed(m, 6);
                if r.kind == AlertKind::PhaseLate {
                    if left > 0 && late > x as i64 {
                        found.push(Finding {
                            figure: format!("{late} days late, {} outstanding", quantity(left)),
                            message: format!(
                                "Phase {subject} was due {due} and is still {} short",
                                quantity(left)
                            ),
                            subject,
                            link,
                        });
                    }
                } else if late >= 0 && planned > 0 {
                    let short = left as f64 / planned as f64 * 100.0;
                    if short > x {
                        found.push(Finding {
                            figure: format!(
                                "{short:.1}% short ({} of {})",
                                quantity(left),
                                quantity(planned)
                            ),
                            message: format!(
                                "Phase {subject} is {short:.1}% short of its planned capacity"
                            ),
                            subject,
                            link,
                        });
                    }
                }
            }
        }
        AlertKind::StatementDiffers => {
            for contract in overviews.iter().filter(|c| in_scope(c, &r.scope)) {
                let contract = &contract.reference;
                for s in store::ledger::reconciliation::for_contract(&state.db, contract).await? {
                    if s.agrees || s.as_of > as_of {
                        continue;
                    }
                    found.push(Finding {
                        subject: format!("{contract}/statement/{}", s.id),
                        figure: format!("differs by {} (tolerance {})", s.difference, s.tolerance),
                        message: format!(
                            "The vendor's statement of {} for {contract} says {}; the ledger has {}",
                            s.as_of, s.vendor_consumed, s.ledger_consumed
                        ),
                        link: format!("/contracts/{contract}"),
                    });
                }
            }
        }
        AlertKind::SpendAnomaly => {
            let b = report(ReportName::BurnDown).await?;
            let c = b.columns();
            let (contracts, commitments, dates) =
                (c.text("contract")?, c.text("commitment")?, c.dates("date")?);
            let cumulative = b
                .frame
                .column("cumulative_spend_e6")?
                .i64()?
                .iter()
                .collect::<Vec<_>>();
            let mut daily: HashMap<(String, String), Vec<(NaiveDate, i64)>> = HashMap::new();
            let mut before: HashMap<(String, String), i64> = HashMap::new();
            for i in 0..contracts.len() {
                let key = (contracts[i].clone(), commitments[i].clone());
                let (Some(day), Some(total)) = (dates[i], cumulative[i]) else {
                    continue;
                };
                let previous = before.insert(key.clone(), total).unwrap_or(0);
                daily.entry(key).or_default().push((day, total - previous));
            }
            let mut series: Vec<_> = daily.into_iter().collect();
            series.sort_by(|a, b| a.0.cmp(&b.0));
            // The last full day: today's spend is still arriving.
            let day = as_of - TimeDelta::days(1);
            for ((contract, commitment), days) in series {
                let Some(a) = analytics::anomaly::spend_anomaly(&days, day, x) else {
                    continue;
                };
                let way = if a.score > 0.0 { "spike" } else { "drop" };
                found.push(Finding {
                    subject: format!("{contract}/{commitment}/{day}"),
                    figure: format!(
                        "{} on {day}; usual for {} {} (band {} to {})",
                        money(&contract, a.amount_e6),
                        analytics::anomaly::weekday_name(day),
                        money(&contract, a.expected_e6),
                        money(&contract, a.low_e6),
                        money(&contract, a.high_e6),
                    ),
                    message: format!("A spend {way} on {contract}/{commitment} on {day}"),
                    link: format!("/contracts/{contract}"),
                });
            }
        }
    }
    Ok(found)
}

/// The report filters a scope means.
fn filters(scope: &AlertScope, as_of: NaiveDate) -> Filters {
    let mut f = Filters {
        as_of: Some(as_of),
        ..Default::default()
    };
    match scope {
        AlertScope::All => {}
        AlertScope::Vendor(v) => f.vendors = vec![v.clone()],
        AlertScope::Contract(c) => f.contracts = vec![c.clone()],
        AlertScope::Commitment {
            contract,
            commitment,
        } => {
            f.contracts = vec![contract.clone()];
            f.commitments = vec![commitment.clone()];
        }
    }
    f
}

/// Whether a scope covers a contract.
fn in_scope(c: &ContractOverview, scope: &AlertScope) -> bool {
    match scope {
        AlertScope::All => true,
        AlertScope::Vendor(v) => &c.vendor == v,
        AlertScope::Contract(r) | AlertScope::Commitment { contract: r, .. } => &c.reference == r,
    }
}
