//! The browser entry point: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // As `leptos::mount::hydrate_lazy`, which waits for a lazily loaded page's wasm chunk
    // before hydrating it, then marking the page live.
    _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let owner = leptos::mount::hydrate_from_async(
            leptos::prelude::document().body().unwrap(),
            app::App,
        )
        .await;
        owner.forget();
        app::mark_hydrated();
    });
}
