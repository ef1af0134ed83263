//! Command lines as they travel in `_data.type`: splitting them into words on the server,
//! and the commands a client knows (for help and completion).

/// What the word after a command names, for completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Argument {
    /// Nothing useful to complete.
    None,
    /// A zone name.
    Zone,
    /// A zone name, after optional flags (`sync -clean ZONE`).
    OptionalZone,
    /// One of a fixed set of words.
    Words(&'static [&'static str]),
}

/// One command of the control channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandInfo {
    /// The verb.
    pub name: &'static str,
    /// Its arguments, in usage notation.
    pub usage: &'static str,
    /// One line on what it does.
    pub summary: &'static str,
    /// What its first argument completes to.
    pub argument: Argument,
}

const fn cmd(
    name: &'static str,
    usage: &'static str,
    summary: &'static str,
    argument: Argument,
) -> CommandInfo {
    CommandInfo {
        name,
        usage,
        summary,
        argument,
    }
}

/// The commands BIND 9.18's control channel takes that a small deployment uses, in
/// alphabetical order.
pub const COMMANDS: &[CommandInfo] = &[
    cmd(
        "dumpdb",
        "[-all|-cache|-zones|-adb|-bad|-expired|-fail] [VIEW...]",
        "write the cache and/or zones to the dump file",
        Argument::Words(&[
            "-all", "-cache", "-zones", "-adb", "-bad", "-expired", "-fail",
        ]),
    ),
    cmd("flush", "[VIEW]", "empty the cache(s)", Argument::None),
    cmd(
        "flushname",
        "NAME [VIEW]",
        "remove a name from the cache(s)",
        Argument::None,
    ),
    cmd(
        "flushtree",
        "NAME [VIEW]",
        "remove a name and everything below it from the cache(s)",
        Argument::None,
    ),
    cmd(
        "freeze",
        "[ZONE [CLASS [VIEW]]]",
        "stop dynamic updates and write the journal into the zone file",
        Argument::Zone,
    ),
    cmd(
        "halt",
        "[-p]",
        "stop the server without saving pending updates",
        Argument::Words(&["-p"]),
    ),
    cmd(
        "notify",
        "ZONE [CLASS [VIEW]]",
        "send the zone's NOTIFY messages again",
        Argument::Zone,
    ),
    cmd("notrace", "", "set the debug level to 0", Argument::None),
    cmd(
        "null",
        "",
        "do nothing (checks that the server answers)",
        Argument::None,
    ),
    cmd(
        "querylog",
        "[on|off]",
        "switch query logging",
        Argument::Words(&["on", "off"]),
    ),
    cmd(
        "reconfig",
        "",
        "read the configuration again and load new zones only",
        Argument::None,
    ),
    cmd(
        "refresh",
        "ZONE [CLASS [VIEW]]",
        "check a secondary zone's serial now",
        Argument::Zone,
    ),
    cmd(
        "reload",
        "[ZONE [CLASS [VIEW]]]",
        "read the configuration and changed zone files again, or one zone",
        Argument::Zone,
    ),
    cmd(
        "retransfer",
        "ZONE [CLASS [VIEW]]",
        "transfer a secondary zone in full now",
        Argument::Zone,
    ),
    cmd(
        "showzone",
        "ZONE [CLASS [VIEW]]",
        "print a zone's configuration",
        Argument::Zone,
    ),
    cmd(
        "stats",
        "",
        "append the statistics to the statistics file",
        Argument::None,
    ),
    cmd("status", "", "show the server's status", Argument::None),
    cmd(
        "stop",
        "[-p]",
        "save pending updates and stop the server",
        Argument::Words(&["-p"]),
    ),
    cmd(
        "sync",
        "[-clean] [ZONE [CLASS [VIEW]]]",
        "write dynamic zones to their files (-clean: and remove the journals)",
        Argument::OptionalZone,
    ),
    cmd(
        "thaw",
        "[ZONE [CLASS [VIEW]]]",
        "reload a frozen zone's file and allow dynamic updates again",
        Argument::Zone,
    ),
    cmd(
        "trace",
        "[LEVEL]",
        "raise the debug level by one, or set it",
        Argument::None,
    ),
    cmd(
        "zonestatus",
        "ZONE [CLASS [VIEW]]",
        "show a zone's status",
        Argument::Zone,
    ),
];

/// The command called `name` (case-insensitive, as servers match it).
pub fn find(name: &str) -> Option<&'static CommandInfo> {
    COMMANDS.iter().find(|c| c.name.eq_ignore_ascii_case(name))
}

/// Splits a command line into words at whitespace; a word may be double-quoted to hold
/// whitespace (the quotes are removed, `\"` and `\\` are escapes inside them).
pub fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else {
            return words;
        };
        let mut word = String::new();
        if first == '"' {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => {
                        if let Some(escaped) = chars.next() {
                            word.push(escaped);
                        }
                    }
                    _ => word.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                word.push(c);
            }
        }
        words.push(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(
            split_words("  zonestatus  example.com IN _default "),
            vec!["zonestatus", "example.com", "IN", "_default"]
        );
        assert_eq!(
            split_words(r#"showzone "a b" "c\"d""#),
            vec!["showzone", "a b", "c\"d"]
        );
        assert_eq!(split_words("\"unterminated"), vec!["unterminated"]);
        assert!(split_words(" \t").is_empty());
    }

    #[test]
    fn table_is_sorted_and_found() {
        assert!(COMMANDS.windows(2).all(|w| w[0].name < w[1].name));
        assert_eq!(find("STATUS").map(|c| c.name), Some("status"));
        assert!(find("frobnicate").is_none());
    }
}
