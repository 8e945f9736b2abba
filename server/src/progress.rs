//! Import progress on a terminal (bytes read of each file, rows so far); silent when stderr
//! is not a terminal, where the final log lines say what happened.

use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Mutex;

pub struct TerminalProgress {
    bar: Mutex<Option<ProgressBar>>,
}

impl TerminalProgress {
    pub fn new() -> Self {
        Self {
            bar: Mutex::new(None),
        }
    }
}

impl store::import::Progress for TerminalProgress {
    fn file_started(&self, file: &str, total_bytes: Option<u64>) {
        let bar = ProgressBar::new(total_bytes.unwrap_or(0));
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>14} [{bar:30}] {bytes}/{total_bytes} {msg} ({elapsed})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_prefix(file.to_owned());
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
        }
    }

    fn advanced(&self, _file: &str, rows: u64, bytes: u64) {
        if let Ok(slot) = self.bar.lock() {
            if let Some(bar) = slot.as_ref() {
                bar.set_position(bytes);
                bar.set_message(format!("{rows} rows"));
            }
        }
    }

    fn file_finished(&self, _file: &str, rows: u64) {
        if let Ok(mut slot) = self.bar.lock() {
            if let Some(bar) = slot.take() {
                bar.finish_with_message(format!("{rows} rows validated"));
            }
        }
    }
}
