//! One contract's page: terms, burn, phases, recent usage and history.

use super::detail::{contract_resource, reference_param};
use super::form::ArchiveContract;
use crate::auth::CsrfField;
use crate::deliveries::{PhaseForm, PhaseTable, ReceiptForm};
use crate::forms::{FormStatus, LoadError};
use crate::history::HistoryTable;
use crate::usage::UsageTable;
use domain::views::ContractDetail;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ContractPage() -> impl IntoView {
    let reference = reference_param();
    let add_phase = ServerAction::<crate::deliveries::AddPhase>::new();
    let log_receipt = ServerAction::<crate::deliveries::LogReceipt>::new();
    let archive = ServerAction::<ArchiveContract>::new();
    let add_commitment = ServerAction::<crate::commitments::AddCommitment>::new();
    let saved = Signal::derive(move || {
        add_phase.version().get()
            + log_receipt.version().get()
            + archive.version().get()
            + add_commitment.version().get()
    });
    let contract = contract_resource(reference, saved);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the contract…"</p> }>
            {move || Suspend::new(async move {
                match contract.await {
                    Ok(Some(detail)) => EitherOf3::A(view! {
                        <ContractView detail add_phase log_receipt archive add_commitment/>
                    }),
                    Ok(None) => EitherOf3::B({
                        crate::respond_not_found();
                        view! {
                        <h1>"Contract not found"</h1>
                        <p class="empty">
                            {format!("There is no contract {:?}. ", reference.get_untracked())}
                            <A href="/contracts">"Back to the contracts"</A>
                        </p>
                    }}),
                    Err(e) => EitherOf3::C(view! { <LoadError error=e/> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn ContractView(
    detail: ContractDetail,
    add_phase: ServerAction<crate::deliveries::AddPhase>,
    log_receipt: ServerAction<crate::deliveries::LogReceipt>,
    archive: ServerAction<ArchiveContract>,
    add_commitment: ServerAction<crate::commitments::AddCommitment>,
) -> impl IntoView {
    let c = detail.overview.clone();
    let segment = crate::paging::path_segment(&c.reference);
    let phase_names: Vec<String> = detail.phases.iter().map(|p| p.phase.clone()).collect();
    let archived = detail.archived_at.clone();
    let writer = crate::auth::may(domain::Permission::WriteEntries);
    view! {
        <div class="page-head">
            <h1>{c.reference.clone()} {archived.as_ref().map(|_| view! { <span class="badge">"archived"</span> })}</h1>
            <div class="actions">
                {writer.then(|| view! { <A href=format!("/contracts/{segment}/edit") attr:class="button">"Edit"</A> })}
                <A href=format!("/usage?contract={segment}") attr:class="button secondary">"Usage"</A>
                {(writer && archived.is_none()).then(|| {
                    let reference = c.reference.clone();
                    view! {
                    <ActionForm action=archive>
                        <CsrfField/>
                        <input type="hidden" name="reference" value=reference/>
                        <button type="submit" class="secondary">"Archive"</button>
                    </ActionForm>
                }})}
            </div>
        </div>
        <FormStatus answer=archive.value() pending=archive.pending()/>
        <section class="kpis" aria-label="Commitment">
            <MoneyCard label="Committed" id="kpi-committed" money=c.committed()/>
            <MoneyCard label="Burned" id="kpi-burned" money=c.burned()/>
            <MoneyCard label="Remaining" id="kpi-remaining" money=c.remaining()/>
            <div class="kpi"><span>"Burned %"</span><strong>{format!("{:.1}%", c.burned_share() * 100.0)}</strong></div>
        </section>
        <dl class="terms">
            <dt>"Vendor"</dt><dd>{c.vendor.clone()}</dd>
            <dt>"Title"</dt><dd>{c.title.clone()}</dd>
            <dt>"Term"</dt><dd>{format!("{} – {}", c.start_date, c.end_date)}</dd>
            <dt>"Notes"</dt><dd class="wrap">{detail.notes.clone()}</dd>
            {archived.map(|at| view! { <dt>"Archived"</dt><dd>{at}" UTC"</dd> })}
        </dl>
        <h2>"Burn-down"</h2>
        <crate::trueup::BurnDownSection reference=c.reference.clone()/>
        <h2>"Commitments"</h2>
        <crate::commitments::CommitmentsSection reference=c.reference.clone() commitments=detail.commitments.clone() action=add_commitment writer/>
        <h2>"Deliveries"</h2>
        <PhaseTable phases=detail.phases.clone() show_contract=false/>
        {writer.then(|| view! {
            <div class="form-row">
                <ReceiptForm action=log_receipt contract=c.reference.clone() phases=phase_names/>
                <PhaseForm action=add_phase contract=c.reference.clone()/>
            </div>
        })}
        <h2>"Recent usage"</h2>
        <UsageTable rows=detail.recent_usage.clone() correct=None/>
        <h2>"True-up"</h2>
        <crate::trueup::TrueUpSection reference=c.reference.clone()/>
        <h2>"Vendor statements"</h2>
        <crate::reconciliation::Statements reference=c.reference.clone()/>
        <h2>"History"</h2>
        <HistoryTable rows=detail.history.clone()/>
    }
}

/// A headline figure read at a glance ("$987.7K"); the exact amount is its title (hover) and
/// its `data-value`.
#[component]
fn MoneyCard(label: &'static str, id: &'static str, money: domain::Money) -> impl IntoView {
    let exact = money.display_grouped();
    let title = exact.clone();
    view! {
        <div class="kpi" title=title>
            <span>{label}</span>
            <strong id=id data-value=exact>{money.display_compact()}</strong>
        </div>
    }
}
