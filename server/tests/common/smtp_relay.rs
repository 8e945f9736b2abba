//! An SMTP relay on loopback for the e-mail tests: Python's aiosmtpd (scripts/install-tools.sh
//! installs it), recording each message it accepts, decoded, with its attachments' digests.

use super::free_port;
use server::alerts::email::SmtpSettings;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// An aiosmtpd relay that appends each message it accepts, decoded, as a JSON line to a file.
const RELAY: &str = r#"
import hashlib, json, sys, threading
from email import message_from_bytes, policy
from aiosmtpd.controller import Controller

port, out = int(sys.argv[1]), sys.argv[2]

class Record:
    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with open(out, "a") as f:
            f.write(json.dumps({
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "from": str(msg["From"]),
                "to": str(msg["To"]),
                "subject": str(msg["Subject"]),
                "content_type": msg.get_content_type(),
                "body": (msg.get_body(("plain",)) or msg).get_content(),
                "attachments": [
                    {"filename": part.get_filename(), "content_type": part.get_content_type(),
                     "sha256": hashlib.sha256(part.get_content()).hexdigest()}
                    for part in msg.iter_attachments()
                ] if msg.is_multipart() else [],
            }) + "\n")
        return "250 OK"

controller = Controller(Record(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
threading.Event().wait()
"#;

/// The running relay; killed when dropped, so a failing test does not leave it behind.
pub struct Relay {
    child: Child,
    port: u16,
    messages: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Relay {
    pub fn start() -> Relay {
        const INSTALL: &str = "run scripts/install-tools.sh to install python3 and aiosmtpd";
        let check = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .output();
        match check {
            Ok(out) if out.status.success() => {}
            Ok(out) => panic!(
                "aiosmtpd is missing ({}): {INSTALL}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => panic!("python3 is missing ({e}): {INSTALL}"),
        }

        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("relay.py");
        std::fs::write(&script, RELAY).unwrap();
        let messages = dir.path().join("messages.jsonl");
        // The port is released before the relay binds it; another process could take it in
        // between, so a relay that does not come up is tried again on a new port.
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new("python3")
                .arg(&script)
                .arg(port.to_string())
                .arg(&messages)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("python3 runs");
            let stdout = child.stdout.take().unwrap();
            let (ready_tx, ready_rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let first = BufReader::new(stdout).lines().next();
                let _ = ready_tx.send(matches!(first, Some(Ok(ref line)) if line == "ready"));
            });
            if ready_rx.recv_timeout(Duration::from_secs(20)) == Ok(true) {
                return Relay {
                    child,
                    port,
                    messages,
                    _dir: dir,
                };
            }
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            last_error = String::from_utf8_lossy(&output.stderr).into_owned();
        }
        panic!("the aiosmtpd relay did not start: {last_error}");
    }

    pub fn settings(&self, starttls: bool) -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".into(),
            port: self.port,
            starttls,
            username: None,
            password: None,
            from: "Compute Ledger <ledger@example.com>".into(),
        }
    }

    pub fn messages(&self) -> Vec<serde_json::Value> {
        read_messages(&self.messages)
    }
}

fn read_messages(path: &Path) -> Vec<serde_json::Value> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}
