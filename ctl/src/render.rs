//! Showing a response as rndc shows it, or as JSON for scripts.
//!
//! rndc prints a successful command's `text` on standard output and exits 0; a failed
//! command (`err` present) prints `rndc: '<verb>' failed: <err>` and the text on standard
//! error and exits 1. rivetctl does the same under its own name.

use serde_json::{Map, Value as Json};

use crate::client::ClientError;
use crate::message::Response;

/// The name messages are prefixed with.
pub const PROGRAM: &str = "rivetctl";

/// What to print for one command, and the exit status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Printed {
    /// Text for standard output, newline-terminated or empty.
    pub stdout: String,
    /// Text for standard error, newline-terminated or empty.
    pub stderr: String,
    /// The exit status: 0 on success, 1 on failure.
    pub status: u8,
}

/// How to show responses.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// `-q`: no output for successful commands.
    pub quiet: bool,
    /// `-r`: also print the result code's name and number.
    pub show_result: bool,
    /// `--json`: one JSON object instead of text.
    pub json: bool,
}

/// The first word of a command line.
pub fn verb(command: &str) -> &str {
    command.split_whitespace().next().unwrap_or("")
}

/// Renders the response to `command`.
pub fn response(command: &str, r: &Response, style: Style) -> Printed {
    let failed = r.err.is_some();
    let mut out = Printed {
        status: u8::from(failed),
        ..Printed::default()
    };
    if style.json {
        if !style.quiet || failed {
            let json = to_json(command, r);
            let text = serde_json::to_string_pretty(&json).unwrap_or_default();
            out.stdout = format!("{text}\n");
        }
        return out;
    }
    let text = r.text.as_deref().filter(|t| !t.is_empty());
    if let Some(err) = &r.err {
        out.stderr = format!("{PROGRAM}: '{}' failed: {err}\n", verb(command));
        if let Some(t) = text {
            out.stderr.push_str(t);
            out.stderr.push('\n');
        }
    } else if let Some(t) = text.filter(|_| !style.quiet) {
        out.stdout = format!("{t}\n");
    }
    if style.show_result {
        match r.result {
            Some(code) => out
                .stdout
                .push_str(&format!("{} {}\n", code.name(), code.0)),
            None => out.stdout.push_str("NONE -1\n"),
        }
    }
    out
}

/// The response to `stats -json`: rivetd's counters, printed as indented JSON. A server
/// that answers without them (BIND writes its statistics file and says nothing) fails.
pub fn stats_json(r: &Response) -> Printed {
    let counters = r
        .text
        .as_deref()
        .and_then(|t| serde_json::from_str::<Json>(t).ok())
        .filter(Json::is_object);
    match (&r.err, counters) {
        (None, Some(counters)) => Printed {
            stdout: format!(
                "{}\n",
                serde_json::to_string_pretty(&counters).unwrap_or_default()
            ),
            ..Printed::default()
        },
        (Some(err), _) => Printed {
            stderr: format!("{PROGRAM}: 'stats' failed: {err}\n"),
            status: 1,
            ..Printed::default()
        },
        (None, None) => Printed {
            stderr: format!(
                "{PROGRAM}: 'stats --json': the server does not give its statistics as JSON \
                 (BIND writes them to its statistics-file)\n"
            ),
            status: 1,
            ..Printed::default()
        },
    }
}

/// The message for a command that got no response, without the program prefix.
pub fn client_error(err: &ClientError) -> String {
    match err {
        ClientError::Closed => concat!(
            "connection to remote host closed.\n",
            "* The server closed the connection without a reply. Either this host\n",
            "* may not use the control channel, the two clocks differ by more than\n",
            "* five minutes, or the key (its name, algorithm or secret) is not one\n",
            "* the server accepts."
        )
        .to_owned(),
        ClientError::Connect { addr, source } => {
            format!(
                "connect failed: {}#{}: {}",
                addr.ip(),
                addr.port(),
                io_text(source)
            )
        }
        other => other.to_string(),
    }
}

/// An I/O error in BIND's lower-case words.
fn io_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::ConnectionRefused => "connection refused".to_owned(),
        K::TimedOut | K::WouldBlock => "timed out".to_owned(),
        K::HostUnreachable => "host unreachable".to_owned(),
        K::NetworkUnreachable => "network unreachable".to_owned(),
        K::AddrNotAvailable => "address not available".to_owned(),
        K::AddrInUse => "address in use".to_owned(),
        K::PermissionDenied => "permission denied".to_owned(),
        _ => {
            let text = e.to_string();
            // Drop std's " (os error N)" tail.
            match text.find(" (os error") {
                Some(i) => text[..i].to_lowercase(),
                None => text.to_lowercase(),
            }
        }
    }
}

/// The response as a JSON object: `command`, `result`, `result_name`, `err`, `text`, and
/// `fields` holding the text's `name: value` lines (numbers as numbers); other lines go to
/// `notes`. `query logging is ON` becomes the field `query logging`.
pub fn to_json(command: &str, r: &Response) -> Json {
    let mut obj = Map::new();
    obj.insert("command".into(), Json::from(command));
    match r.result {
        Some(code) => {
            obj.insert("result".into(), Json::from(code.0));
            obj.insert("result_name".into(), Json::from(code.name()));
        }
        None => {
            obj.insert("result".into(), Json::Null);
            obj.insert("result_name".into(), Json::Null);
        }
    }
    obj.insert(
        "err".into(),
        r.err.as_deref().map_or(Json::Null, Json::from),
    );
    obj.insert(
        "text".into(),
        r.text.as_deref().map_or(Json::Null, Json::from),
    );
    let (fields, notes) = fields(r.text.as_deref().unwrap_or(""));
    obj.insert("fields".into(), Json::Object(fields));
    obj.insert(
        "notes".into(),
        Json::Array(notes.into_iter().map(Json::from).collect()),
    );
    Json::Object(obj)
}

/// Splits `name: value` lines into fields; the other non-empty lines are notes.
pub fn fields(text: &str) -> (Map<String, Json>, Vec<String>) {
    let mut fields = Map::new();
    let mut notes = Vec::new();
    for line in text.lines().map(str::trim_end).filter(|l| !l.is_empty()) {
        if let Some((name, value)) = line.split_once(": ") {
            fields.insert(name.trim().to_owned(), scalar(value.trim()));
        } else if let Some(state) = line.strip_prefix("query logging is ") {
            fields.insert("query logging".into(), Json::from(state));
        } else {
            notes.push(line.to_owned());
        }
    }
    (fields, notes)
}

fn scalar(value: &str) -> Json {
    match value.parse::<u64>() {
        Ok(n) if !value.starts_with('0') || value == "0" => Json::from(n),
        _ => Json::from(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::ResultCode;

    #[test]
    fn stats_json_needs_the_counters() {
        let ok = stats_json(&resp(0, None, Some(r#"{"nsstats":{"responses":3}}"#)));
        assert_eq!(ok.status, 0);
        let parsed: Json = serde_json::from_str(&ok.stdout).expect("JSON");
        assert_eq!(parsed["nsstats"]["responses"], 3);
        let bind = stats_json(&resp(0, None, None));
        assert_eq!(bind.status, 1);
        assert!(bind.stderr.contains("does not give its statistics as JSON"));
        let failed = stats_json(&resp(1, Some("failure"), None));
        assert_eq!(
            (failed.status, failed.stderr.as_str()),
            (1, "rivetctl: 'stats' failed: failure\n")
        );
    }

    fn resp(result: u32, err: Option<&str>, text: Option<&str>) -> Response {
        Response {
            ser: 1,
            time: 0,
            expires: None,
            nonce: Some(5),
            command: "x".into(),
            result: Some(ResultCode(result)),
            err: err.map(str::to_owned),
            text: text.map(str::to_owned),
        }
    }

    #[test]
    fn success_and_failure_as_rndc_prints_them() {
        let ok = response("status", &resp(0, None, Some("a: 1\nb")), Style::default());
        assert_eq!(ok.stdout, "a: 1\nb\n");
        assert_eq!(ok.status, 0);
        let quiet = response(
            "status",
            &resp(0, None, Some("a")),
            Style {
                quiet: true,
                ..Style::default()
            },
        );
        assert_eq!(quiet.stdout, "");
        let failed = response(
            "zonestatus nope",
            &resp(
                23,
                Some("not found"),
                Some("no matching zone 'nope' in any view"),
            ),
            Style::default(),
        );
        assert_eq!(
            failed.stderr,
            "rivetctl: 'zonestatus' failed: not found\nno matching zone 'nope' in any view\n"
        );
        assert_eq!(failed.stdout, "");
        assert_eq!(failed.status, 1);
        let shown = response(
            "null",
            &resp(0, None, None),
            Style {
                show_result: true,
                ..Style::default()
            },
        );
        assert_eq!(shown.stdout, "ISC_R_SUCCESS 0\n");
    }

    #[test]
    fn status_text_becomes_fields() {
        let text = "version: BIND 9.18.49\nnumber of zones: 2 (0 automatic)\nCPUs found: 2\n\
                    serial: 0012\nquery logging is OFF\nserver is up and running";
        let json = to_json("status", &resp(0, None, Some(text)));
        assert_eq!(json["fields"]["CPUs found"], 2);
        assert_eq!(json["fields"]["number of zones"], "2 (0 automatic)");
        assert_eq!(json["fields"]["serial"], "0012");
        assert_eq!(json["fields"]["query logging"], "OFF");
        assert_eq!(json["notes"][0], "server is up and running");
        assert_eq!(json["result_name"], "ISC_R_SUCCESS");
        assert_eq!(json["err"], Json::Null);
    }

    #[test]
    fn connection_errors_read_like_rndc() {
        let addr = "127.0.0.1:15449".parse().expect("addr");
        let err = ClientError::Connect {
            addr,
            source: std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
        };
        assert_eq!(
            client_error(&err),
            "connect failed: 127.0.0.1#15449: connection refused"
        );
        assert!(
            client_error(&ClientError::Closed).starts_with("connection to remote host closed.\n")
        );
    }
}
