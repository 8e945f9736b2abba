//! Alerts in the server: what each rule finds (`evaluate`), the background work that
//! evaluates and delivers (`runner`), and the channels (`webhook`, `email`).

pub mod email;
pub mod evaluate;
pub mod outgoing;
pub mod runner;
pub mod webhook;
