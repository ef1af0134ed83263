//! Result codes carried in a response's `result`, with BIND's names and texts.
//!
//! The numbers are BIND 9.18's `isc_result_t` values; a failed command's `err` is the
//! code's text, and `rndc -r` prints the code's name.

use std::fmt;

/// A response's `result`: 0 for success, BIND's error numbers otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResultCode(pub u32);

/// Name and text of every code the control channel uses.
const TABLE: &[(u32, &str, &str)] = &[
    (0, "ISC_R_SUCCESS", "success"),
    (1, "ISC_R_NOMEMORY", "out of memory"),
    (2, "ISC_R_TIMEDOUT", "timed out"),
    (6, "ISC_R_NOPERM", "permission denied"),
    (18, "ISC_R_EXISTS", "already exists"),
    (19, "ISC_R_NOSPACE", "ran out of space"),
    (22, "ISC_R_SHUTTINGDOWN", "shutting down"),
    (23, "ISC_R_NOTFOUND", "not found"),
    (24, "ISC_R_UNEXPECTEDEND", "unexpected end of input"),
    (25, "ISC_R_FAILURE", "failure"),
    (26, "ISC_R_IOERROR", "I/O error"),
    (27, "ISC_R_NOTIMPLEMENTED", "not implemented"),
    (29, "ISC_R_NOMORE", "no more"),
    (30, "ISC_R_INVALIDFILE", "invalid file"),
    (31, "ISC_R_BADBASE64", "bad base64 encoding"),
    (32, "ISC_R_UNEXPECTEDTOKEN", "unexpected token"),
    (38, "ISC_R_FILENOTFOUND", "file not found"),
    (39, "ISC_R_FILEEXISTS", "file already exists"),
    (41, "ISC_R_RANGE", "out of range"),
    (75, "DNS_R_LABELTOOLONG", "label too long"),
    (76, "DNS_R_BADESCAPE", "bad escape"),
    (77, "DNS_R_EMPTYLABEL", "empty label"),
    (80, "DNS_R_UNKNOWN", "unknown class/type"),
    (89, "DNS_R_SYNTAX", "syntax error"),
    (123, "DNS_R_NOTLOADED", "zone not loaded"),
    (154, "DNS_R_FROZEN", "already frozen"),
    (171, "DNS_R_DYNAMIC", "dynamic zone"),
    (172, "DNS_R_UNKNOWNCOMMAND", "unknown command"),
    (178, "DNS_R_NOTPRIMARY", "not primary"),
    (181, "DNS_R_NOTDYNAMIC", "not dynamic"),
];

impl ResultCode {
    /// Success.
    pub const SUCCESS: Self = Self(0);
    /// `already exists`: the configuration does not load on reload/reconfig.
    pub const EXISTS: Self = Self(18);
    /// `permission denied`.
    pub const NO_PERMISSION: Self = Self(6);
    /// `not found`: no such zone or view.
    pub const NOT_FOUND: Self = Self(23);
    /// `unexpected end of input`: a required argument is missing.
    pub const UNEXPECTED_END: Self = Self(24);
    /// `failure`: the command does not apply (e.g. refresh of a primary zone).
    pub const FAILURE: Self = Self(25);
    /// `I/O error`: a file could not be written.
    pub const IO_ERROR: Self = Self(26);
    /// `not implemented`.
    pub const NOT_IMPLEMENTED: Self = Self(27);
    /// `out of range`: a numeric argument is out of range.
    pub const RANGE: Self = Self(41);
    /// `label too long`: a name argument with a label over 63 octets.
    pub const LABEL_TOO_LONG: Self = Self(75);
    /// `bad escape`: a name argument with a bad `\DDD` escape.
    pub const BAD_ESCAPE: Self = Self(76);
    /// `empty label`: a name argument with two dots in a row.
    pub const EMPTY_LABEL: Self = Self(77);
    /// `unknown class/type`: a bad class argument.
    pub const UNKNOWN_CLASS: Self = Self(80);
    /// `syntax error`: a bad argument.
    pub const SYNTAX: Self = Self(89);
    /// `zone not loaded`.
    pub const NOT_LOADED: Self = Self(123);
    /// `already frozen`.
    pub const FROZEN: Self = Self(154);
    /// `dynamic zone`: reload of a dynamic zone that is not frozen.
    pub const DYNAMIC: Self = Self(171);
    /// `unknown command`.
    pub const UNKNOWN_COMMAND: Self = Self(172);
    /// `not primary`.
    pub const NOT_PRIMARY: Self = Self(178);
    /// `not dynamic`.
    pub const NOT_DYNAMIC: Self = Self(181);

    /// Whether this is success.
    pub fn is_success(self) -> bool {
        self.0 == 0
    }

    /// BIND's identifier (`ISC_R_NOTFOUND`), as `rndc -r` prints it.
    pub fn name(self) -> String {
        match TABLE.iter().find(|(n, ..)| *n == self.0) {
            Some((_, name, _)) => (*name).to_owned(),
            None => format!("RESULT_{}", self.0),
        }
    }

    /// BIND's text (`not found`), sent as `err`.
    pub fn text(self) -> String {
        match TABLE.iter().find(|(n, ..)| *n == self.0) {
            Some((_, _, text)) => (*text).to_owned(),
            None => format!("result {}", self.0),
        }
    }
}

impl fmt::Display for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_texts() {
        assert_eq!(ResultCode::NOT_FOUND.name(), "ISC_R_NOTFOUND");
        assert_eq!(ResultCode::NOT_FOUND.text(), "not found");
        assert_eq!(ResultCode::UNKNOWN_COMMAND.text(), "unknown command");
        assert_eq!(ResultCode(9999).name(), "RESULT_9999");
        assert!(ResultCode::SUCCESS.is_success());
        let mut numbers: Vec<u32> = TABLE.iter().map(|(n, ..)| *n).collect();
        numbers.dedup();
        assert_eq!(numbers.len(), TABLE.len(), "one row per code");
    }
}
