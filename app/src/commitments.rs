//! A contract's commitments on its page: each with what was applied, what remains, the spend
//! its scope kept out, and its own burn-down (the `burndown` report's rows for it); and the
//! form that adds a further commitment.

use crate::auth::CsrfField;
use crate::dashboards::model::Table;
use crate::forms::{field_errors, word_options, Field, FormStatus, Saved, SelectField};
use domain::views::CommitmentRow;
use domain::{CommitmentCategory, CommitmentModel, FulfillmentInterval, Quantity};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The contract's burn-downs: spend commitments in money (`burndown`), usage ones in their
/// unit (`usage-burndown`).
#[server(prefix = "/api", endpoint = "get_commitment_burndown", input = GetUrl)]
pub async fn get_commitment_burndown(contract: String) -> Result<Vec<Table>, ServerFnError> {
    use reports::ReportName;
    crate::auth::require(domain::Permission::Read)?;
    let state = crate::state::app_state()?;
    let filters = reports::parse_filters(None, &[], std::slice::from_ref(&contract), &[])
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    let request = reports::ReportRequest::new(filters);
    let mut tables = Vec::new();
    for name in [ReportName::BurnDown, ReportName::UsageBurnDown] {
        let report = reports::run(&state.reports, &state.db, name, &request)
            .await
            .map_err(|e| ServerFnError::new(e.to_string()))?;
        tables.push(Table::from_report(
            name.as_str(),
            name.describe(),
            &report.table,
            Vec::new(),
        ));
    }
    Ok(tables)
}

/// One commitment's burn-down points (date, remaining) and what they fall from, in minor units
/// for a spend commitment and millionths of its unit for a usage one.
fn burn_down_points(k: &CommitmentRow, tables: &[Table]) -> (i64, Vec<(String, i64)>) {
    let (table, column, places, base) = match k.quantity_micros {
        Some(q) => ("usage-burndown", "remaining_quantity", 6, q),
        None => ("burndown", "remaining", 2, k.committed.minor()),
    };
    let Some(t) = tables.iter().find(|t| t.id == table) else {
        return (base, Vec::new());
    };
    let at = |name: &str| t.columns.iter().position(|c| c == name);
    let (Some(c), Some(d), Some(r)) = (at("commitment"), at("date"), at(column)) else {
        return (base, Vec::new());
    };
    let points = t
        .rows
        .iter()
        .filter(|row| row[c] == k.reference)
        .filter_map(|row| {
            let remaining = domain::decimal::parse_scaled(&row[r], places, true).ok()?;
            Some((row[d].clone(), remaining))
        })
        .collect();
    (base, points)
}

#[server(prefix = "/api", endpoint = "add_commitment")]
#[allow(clippy::too_many_arguments)]
pub async fn add_commitment(
    // Checked against the session by the CSRF middleware before this runs.
    csrf_token: String,
    contract: String,
    commitment: String,
    category: String,
    committed_amount: String,
    quantity: String,
    unit: String,
    commitment_model: String,
    fulfillment_interval: String,
    start_date: String,
    end_date: String,
    scope: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::WriteEntries)?;
    let raw = domain::commitment::RawCommitment {
        contract: &contract,
        commitment: &commitment,
        category: &category,
        committed_amount: &committed_amount,
        quantity: &quantity,
        unit: &unit,
        commitment_model: &commitment_model,
        fulfillment_interval: &fulfillment_interval,
        start_date: &start_date,
        end_date: &end_date,
        scope: &scope,
    };
    let result = store::ledger::commitments::add(&state.db, &who.username, &raw).await;
    crate::forms::answer(result.map(|name| format!("Commitment {name} added.")))
}

/// Remaining over time, as a line falling from the commitment to what is left: one point per
/// day with spend applied.
fn burn_down_path(committed: i64, points: &[(String, i64)]) -> String {
    let (width, height) = (240.0, 48.0);
    if committed <= 0 || points.is_empty() {
        return String::new();
    }
    let n = points.len().max(1) as f64;
    let y = |remaining: i64| {
        let share = (remaining as f64 / committed as f64).clamp(-0.1, 1.0);
        height * (1.0 - share.max(0.0))
    };
    let mut path = format!("M0,{:.1}", y(committed));
    for (i, (_, remaining)) in points.iter().enumerate() {
        path.push_str(&format!(
            " L{:.1},{:.1}",
            width * (i as f64 + 1.0) / n,
            y(*remaining)
        ));
    }
    path
}

fn committed_text(k: &CommitmentRow) -> String {
    match k.quantity_micros {
        Some(q) if k.committed.minor() == 0 => format!("{} {}", Quantity::from_micros(q), k.unit),
        Some(q) => format!(
            "{} {} · {}",
            Quantity::from_micros(q),
            k.unit,
            k.committed.display_grouped()
        ),
        None => k.committed.display_grouped(),
    }
}

fn applied_text(k: &CommitmentRow) -> String {
    match k.quantity_micros {
        Some(_) => format!(
            "{} {} · {}",
            Quantity::from_micros(k.applied_quantity_micros),
            k.unit,
            k.applied.display_grouped()
        ),
        None => k.applied.display_grouped(),
    }
}

#[component]
pub fn CommitmentsSection(
    reference: String,
    commitments: Vec<CommitmentRow>,
    action: ServerAction<AddCommitment>,
    writer: bool,
) -> impl IntoView {
    let for_fetch = reference.clone();
    let burndown = Resource::new(|| (), move |_| get_commitment_burndown(for_fetch.clone()));
    let empty = commitments.is_empty();
    let rows = commitments.clone();
    view! {
        {empty.then(|| view! { <p class="empty">"No commitments yet: add one below, or import a FOCUS contract commitment file."</p> })}
        <ul class="commitments" aria-label="Commitments">
            <Suspense fallback=|| view! { <li class="loading">"Loading…"</li> }>
                {move || {
                    let rows = rows.clone();
                    Suspend::new(async move {
                        let tables = burndown.await.unwrap_or_default();
                        rows.into_iter().map(|k| {
                            let (base, points) = burn_down_points(&k, &tables);
                            let path = burn_down_path(base, &points);
                            let share = format!("{:.1}%", k.fulfilled_share() * 100.0);
                            let label = format!("Burn-down of {}", k.reference);
                            view! {
                                <li class="commitment" data-commitment=k.reference.clone()>
                                    <h3>{k.reference.clone()}{k.own.then(|| view! { <span class="badge">"the contract's own"</span> })}</h3>
                                    <dl class="terms">
                                        <dt>"Category"</dt><dd>{k.category.clone()}</dd>
                                        <dt>"Period"</dt><dd>{format!("{} – {}", k.start_date, k.end_date)}</dd>
                                        <dt>"Committed"</dt><dd>{committed_text(&k)}</dd>
                                        <dt>"Applied"</dt><dd>{applied_text(&k)}" ("{share}")"</dd>
                                        {(k.quantity_micros.is_none() || k.committed.minor() > 0).then(|| view! { <dt>"Remaining"</dt><dd>{k.remaining().display_grouped()}</dd> })}
                                        <dt>"Model"</dt><dd>{format!("{}, {}", k.commitment_model.replace('_', " "), k.fulfillment_interval)}</dd>
                                        {(!k.scope.is_empty()).then(|| view! {
                                            <dt>"Scope"</dt><dd>{k.scope.replace(';', ", ")}</dd>
                                            <dt>"Eligible, not counted"</dt><dd title="The contract's spend in this period that the scope kept out">{k.not_counted.display_grouped()}</dd>
                                        })}
                                    </dl>
                                    {if path.is_empty() {
                                        view! { <p class="empty small">"No spend applied yet."</p> }.into_any()
                                    } else {
                                        view! {
                                            <svg class="sparkline" viewBox="0 0 240 48" role="img" aria-label=label>
                                                <path d=path fill="none" stroke="currentColor" stroke-width="2"/>
                                            </svg>
                                        }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()
                    })
                }}
            </Suspense>
        </ul>
        {writer.then(|| view! { <CommitmentForm action contract=reference.clone()/> })}
    }
}

#[component]
fn CommitmentForm(action: ServerAction<AddCommitment>, contract: String) -> impl IntoView {
    let errors = field_errors(action.value());
    view! {
        <ActionForm action>
            <CsrfField/>
            <fieldset class="form-grid compact">
                <legend>"Add a commitment"</legend>
                <input type="hidden" name="contract" value=contract/>
                <Field form="commitment" name="commitment" label="Commitment" errors required=true hint="gpu-hours-2027"/>
                <SelectField form="commitment" name="category" label="Category" errors options=word_options(CommitmentCategory::ALL)/>
                <Field form="commitment" name="committed_amount" label="Amount" errors inputmode="decimal" hint="required for spend"/>
                <Field form="commitment" name="quantity" label="Quantity" errors inputmode="decimal" hint="usage: 1000000"/>
                <Field form="commitment" name="unit" label="Unit" errors hint="usage: gpu_hour"/>
                <SelectField form="commitment" name="commitment_model" label="Model" errors options=word_options(CommitmentModel::ALL)/>
                <SelectField form="commitment" name="fulfillment_interval" label="Fulfilment" errors options=word_options(FulfillmentInterval::ALL)/>
                <Field form="commitment" name="start_date" label="Starts" errors input_type="date" required=true/>
                <Field form="commitment" name="end_date" label="Ends" errors input_type="date" required=true/>
                <Field form="commitment" name="scope" label="Scope (SKU prefixes)" errors hint="p5.;g6. (empty: all)"/>
                <button type="submit">"Add commitment"</button>
                <FormStatus answer=action.value() pending=action.pending()/>
            </fieldset>
        </ActionForm>
    }
}
