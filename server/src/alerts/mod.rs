//! Alert delivery: what a fired alert says and the channels that send it.

pub mod email;
pub mod outgoing;
pub mod webhook;
