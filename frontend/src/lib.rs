//! The browser entry point: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: a page's code arrives as its own wasm chunk before the page hydrates.
    leptos::mount::hydrate_lazy(app::App);
}
