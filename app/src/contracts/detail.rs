//! The contract a page's URL names, loaded for the contract page and its edit form.

use domain::views::ContractDetail;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_router::hooks::use_params_map;

#[server(prefix = "/api", endpoint = "get_contract", input = GetUrl)]
pub async fn get_contract(reference: String) -> Result<Option<ContractDetail>, ServerFnError> {
    crate::auth::require(domain::Permission::Read)?;
    let state = crate::state::app_state()?;
    store::ledger::contracts::detail(&state.db, &reference)
        .await
        .map_err(crate::forms::database_error)
}

pub(super) fn reference_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("reference").unwrap_or_default())
}

/// Refetched whenever one of the page's forms has saved something.
pub(super) fn contract_resource(
    reference: Memo<String>,
    saved: Signal<usize>,
) -> Resource<Result<Option<ContractDetail>, ServerFnError>> {
    Resource::new(
        move || (reference.get(), saved.get()),
        |(r, _)| get_contract(r),
    )
}
