//! Contracts: the list (filter by vendor and status, paged, totals), the contract page (terms,
//! burn, phases, recent usage, history) and the forms to create, edit and archive.

mod detail;
mod form;
mod list;
mod page;

pub use detail::*;
pub use form::*;
pub use list::*;
pub use page::*;
