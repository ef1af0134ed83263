//! rivet-checkzone's journal flags against BIND 9.18.
//!
//! - `-j` and `-J FILE` roll a zone file forward with a Rivet journal; the dump must hold
//!   what `named-checkzone -D` prints for the edited zone file.
//! - With a real BIND journal made by `named` for an nsupdate, Rivet refuses the file as
//!   "not a Rivet journal", and a Rivet journal of the same change prints, through
//!   `rivet-checkzone --print-journal`, the lines `named-journalprint` prints for BIND's,
//!   and rolls the zone forward to the dump `named-checkzone -j -D` gives.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tests::answers::{Named, free_port};
use tests::checkzone::normalise_dump;
use tests::run::{Output, run};
use zones::diff::Diff;
use zones::journal::Journal;
use zones::master::{self, ParseOptions};
use zones::zone::{CheckOptions, Zone};
use zones::{Class, Name};

const ORIGIN: &str = "example.com.";

/// Version 1 of the test zone.
const V1: &str = "$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 300
@ NS ns1
@ NS ns2
ns1 A 192.0.2.1
ns2 A 192.0.2.2
www A 192.0.2.10
www A 192.0.2.11
mail A 192.0.2.20
@ MX 10 mail
txt TXT \"version one\"
sub NS ns.sub
ns.sub A 192.0.2.53
";

/// Version 2: an address gone, one added, a TTL changed, a new name below a new empty
/// non-terminal.
const V2: &str = "$TTL 300
@ SOA ns1 hostmaster 2 3600 600 86400 300
@ NS ns1
@ NS ns2
ns1 A 192.0.2.1
ns2 A 192.0.2.2
www A 192.0.2.10
www A 192.0.2.12
mail 60 A 192.0.2.20
@ MX 10 mail
txt TXT \"version one\"
sub NS ns.sub
ns.sub A 192.0.2.53
host.dept AAAA 2001:db8::1
";

/// Version 3: a name gone, a delegation's glue changed, a record's text changed.
const V3: &str = "$TTL 300
@ SOA ns1 hostmaster 3 3600 600 86400 300
@ NS ns1
@ NS ns2
ns1 A 192.0.2.1
ns2 A 192.0.2.2
www A 192.0.2.10
www A 192.0.2.12
mail 60 A 192.0.2.20
@ MX 10 mail
txt TXT \"version three\"
sub NS ns.sub
ns.sub A 192.0.2.54
";

fn name(text: &str) -> Name {
    Name::from_text(text, Some(&Name::root())).expect("valid name")
}

fn zone_from(text: &str, origin: &str) -> Zone {
    let opts = ParseOptions {
        origin: name(origin),
        class: Class::IN,
        base_dir: ".".into(),
        default_ttl: None,
    };
    let records = master::parse_str(text, "zone", &opts)
        .expect("test zone parses")
        .records;
    Zone::build(name(origin), Class::IN, records, &CheckOptions::default())
        .expect("test zone loads")
        .0
}

/// A Rivet journal at `path` with the steps from each version to the next.
fn write_journal(path: &Path, origin: &str, versions: &[&str]) {
    let zones: Vec<Zone> = versions.iter().map(|v| zone_from(v, origin)).collect();
    let mut journal = Journal::create(path, &name(origin), Class::IN).expect("journal created");
    for pair in zones.windows(2) {
        let diff = Diff::between(&pair[0], &pair[1]).expect("same zone");
        journal.append(&diff).expect("appended");
    }
}

fn checked(program: &Path, args: &[&str], dir: &Path) -> Output {
    let out = run(program, args, dir).expect("the checker starts");
    assert!(
        out.success(),
        "{} {args:?} failed:\n{}",
        program.display(),
        out.transcript()
    );
    out
}

fn rivet() -> PathBuf {
    tests::cargo_bin::build("named", "rivet-checkzone")
}

#[test]
fn rolling_forward_gives_named_checkzones_dump_of_the_edited_file() {
    let Some(bind) = tests::bind::require("named-checkzone", "journal_cli") else {
        return;
    };
    let rivet = rivet();
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    fs::write(d.join("zone.db"), V1).expect("write");
    fs::write(d.join("edited.db"), V3).expect("write");
    write_journal(&d.join("zone.db.jnl"), ORIGIN, &[V1, V2, V3]);

    let expected = checked(&bind, &["-i", "none", "-D", "example.com", "edited.db"], d);
    let rolled = checked(
        &rivet,
        &["-i", "none", "-j", "-D", "example.com", "zone.db"],
        d,
    );
    assert_eq!(
        normalise_dump(&rolled.stdout),
        normalise_dump(&expected.stdout)
    );
    assert!(
        rolled
            .stderr
            .contains("zone example.com/IN: loaded serial 3"),
        "{}",
        rolled.transcript()
    );

    // -J names the journal; without -j the file alone is checked.
    fs::rename(d.join("zone.db.jnl"), d.join("elsewhere.jnl")).expect("rename");
    let named_journal = checked(
        &rivet,
        &[
            "-i",
            "none",
            "-J",
            "elsewhere.jnl",
            "-D",
            "example.com",
            "zone.db",
        ],
        d,
    );
    assert_eq!(named_journal.stdout, rolled.stdout);
    let plain = checked(&rivet, &["-i", "none", "example.com", "zone.db"], d);
    assert!(
        plain.stdout.contains("loaded serial 1"),
        "{}",
        plain.transcript()
    );
    // A missing journal is no error, as with named-checkzone -j.
    let missing = checked(&rivet, &["-i", "none", "-j", "example.com", "zone.db"], d);
    assert!(
        missing.stdout.contains("loaded serial 1"),
        "{}",
        missing.transcript()
    );
}

#[test]
fn journals_that_do_not_fit_the_zone_fail_as_in_named_checkzone() {
    let rivet = rivet();
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    write_journal(&d.join("zone.jnl"), ORIGIN, &[V1, V2, V3]);

    // A serial the journal does not hold.
    fs::write(d.join("nine.db"), V1.replace(" 1 3600", " 9 3600")).expect("write");
    let out = run(
        &rivet,
        ["-i", "none", "-J", "zone.jnl", "example.com", "nine.db"],
        d,
    )
    .expect("starts");
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    assert_eq!(
        out.stdout,
        "zone example.com/IN: journal rollforward failed: journal out of sync with zone\n\
         zone example.com/IN: not loaded due to errors.\n"
    );

    // Serial 2, but version 1's data: the step 2 -> 3 deletes a TXT record not there.
    fs::write(d.join("two.db"), V1.replace(" 1 3600", " 2 3600")).expect("write");
    let out = run(
        &rivet,
        ["-i", "none", "-J", "zone.jnl", "example.com", "two.db"],
        d,
    )
    .expect("starts");
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[lines.len() - 2..],
        [
            "zone example.com/IN: journal rollforward failed: not exact",
            "zone example.com/IN: not loaded due to errors."
        ],
        "{}",
        out.transcript()
    );
    assert!(
        out.stdout
            .contains("deletes a record the zone does not have")
    );

    // The journal of another zone.
    fs::write(d.join("net.db"), V1).expect("write");
    let out = run(
        &rivet,
        ["-i", "none", "-J", "zone.jnl", "example.net", "net.db"],
        d,
    )
    .expect("starts");
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    assert!(
        out.stdout.contains("journal of zone example.com./IN"),
        "{}",
        out.transcript()
    );

    // A torn last transaction is reported, left in place, and the rest applies.
    let whole = fs::read(d.join("zone.jnl")).expect("read");
    fs::write(d.join("torn.jnl"), &whole[..whole.len() - 5]).expect("write");
    fs::write(d.join("one.db"), V1).expect("write");
    let out = checked(
        &rivet,
        &["-i", "none", "-J", "torn.jnl", "example.com", "one.db"],
        d,
    );
    assert!(
        out.stdout
            .contains("discarded a torn or corrupt last transaction")
    );
    assert!(
        out.stdout.contains("loaded serial 2"),
        "{}",
        out.transcript()
    );
    assert_eq!(
        fs::metadata(d.join("torn.jnl")).expect("stat").len() as usize,
        whole.len() - 5
    );

    // Printing needs a journal and nothing else.
    let out = checked(&rivet, &["--print-journal", "zone.jnl"], d);
    assert_eq!(
        out.stdout,
        "del example.com.\t\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 1 3600 600 86400 300\n\
         del mail.example.com.\t300\tIN\tA\t192.0.2.20\n\
         del www.example.com.\t300\tIN\tA\t192.0.2.11\n\
         add example.com.\t\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 2 3600 600 86400 300\n\
         add host.dept.example.com.\t300\tIN\tAAAA\t2001:db8::1\n\
         add mail.example.com.\t60\tIN\tA\t192.0.2.20\n\
         add www.example.com.\t300\tIN\tA\t192.0.2.12\n\
         del example.com.\t\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 2 3600 600 86400 300\n\
         del host.dept.example.com.\t300\tIN\tAAAA\t2001:db8::1\n\
         del ns.sub.example.com.\t300\tIN\tA\t192.0.2.53\n\
         del txt.example.com.\t300\tIN\tTXT\t\"version one\"\n\
         add example.com.\t\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 3 3600 600 86400 300\n\
         add ns.sub.example.com.\t300\tIN\tA\t192.0.2.54\n\
         add txt.example.com.\t300\tIN\tTXT\t\"version three\"\n"
    );
    let out = run(&rivet, ["--print-journal", "nine.db"], d).expect("starts");
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("nine.db: not a Rivet journal (unknown format)"),
        "{}",
        out.transcript()
    );
}

/// The dynamic zone BIND journals.
const DYN: &str = "$TTL 300
@ SOA ns1 hostmaster 1 60 30 600 60
@ NS ns1
ns1 A 127.0.0.1
a A 192.0.2.1
a TXT \"hello world\"
c A 192.0.2.3
";

/// One update: several changes in one transaction.
const UPDATE: &str = "update add b.dyn.example. 300 IN A 192.0.2.2
update delete a.dyn.example. TXT
update add a.dyn.example. 600 IN A 192.0.2.9
update delete c.dyn.example. A 192.0.2.3
update add Long-Owner-Name.sub.dyn.example. 86400 IN TXT \"x\" \"y z\"
send
";

/// The lines of one transaction as `named-journalprint` prints them, deletions and
/// additions each sorted (BIND lists them in the order of the update).
fn transaction_lines(text: &str) -> (Vec<String>, Vec<String>) {
    let mut del: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("del "))
        .map(String::from)
        .collect();
    let mut add: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("add "))
        .map(String::from)
        .collect();
    del.sort();
    add.sort();
    (del, add)
}

#[test]
fn a_bind_journal_is_refused_and_rivets_journal_prints_and_applies_as_bind_does() {
    let test = "journal_cli (BIND journal)";
    let (Some(named), Some(nsupdate), Some(journalprint), Some(checkzone)) = (
        tests::bind::require("named", test),
        tests::bind::require("nsupdate", test),
        tests::bind::require("named-journalprint", test),
        tests::bind::require("named-checkzone", test),
    ) else {
        return;
    };
    let rivet = rivet();
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    fs::write(d.join("dyn.db"), DYN).expect("write");
    fs::write(d.join("original.db"), DYN).expect("write");
    fs::write(
        d.join("named.conf"),
        format!(
            "options {{ directory \"{dir}\"; listen-on {{ 127.0.0.1; }}; \
             listen-on-v6 {{ none; }}; recursion no; pid-file none; \
             dnssec-validation no; session-keyfile \"{dir}/session.key\"; }};\n\
             controls {{ }};\n\
             zone \"dyn.example\" {{ type primary; file \"dyn.db\"; \
             allow-update {{ 127.0.0.1; }}; }};\n",
            dir = d.display()
        ),
    )
    .expect("write");
    let port = free_port(20000..30000).expect("a free port");
    let server = Named::start(&named, d, port, "dyn.example").expect("named starts");
    let script = format!("server 127.0.0.1 {port}\nzone dyn.example\n{UPDATE}");
    fs::write(d.join("update.txt"), script).expect("write");
    let status = Command::new(&nsupdate)
        .arg("update.txt")
        .current_dir(d)
        .stdin(Stdio::null())
        .status()
        .expect("nsupdate starts");
    assert!(status.success(), "nsupdate failed:\n{}", server.log_text());
    drop(server);
    assert!(
        d.join("dyn.db.jnl").exists(),
        "no journal:\n{:?}",
        fs::read_dir(d)
    );

    // Rivet recognises BIND's journal and does not read it.
    let out = run(&rivet, ["--print-journal", "dyn.db.jnl"], d).expect("starts");
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("dyn.db.jnl: not a Rivet journal (it is a BIND journal)"),
        "{}",
        out.transcript()
    );
    let out = run(
        &rivet,
        ["-i", "none", "-j", "dyn.example", "original.db"],
        d,
    )
    .expect("starts");
    assert_eq!(
        out.code,
        Some(0),
        "no journal of its own: {}",
        out.transcript()
    );
    fs::copy(d.join("dyn.db.jnl"), d.join("original.db.jnl")).expect("copy");
    let out = run(
        &rivet,
        ["-i", "none", "-j", "dyn.example", "original.db"],
        d,
    )
    .expect("starts");
    assert_eq!(out.code, Some(1), "{}", out.transcript());
    assert!(
        out.stdout.contains(
            "zone dyn.example/IN: journal open failed: original.db.jnl: not a Rivet journal"
        ),
        "{}",
        out.transcript()
    );
    fs::remove_file(d.join("original.db.jnl")).expect("remove");

    // The zone after the update, as BIND rolls its journal forward.
    let after = checked(
        &checkzone,
        &[
            "-i",
            "none",
            "-j",
            "-D",
            "-o",
            "after.db",
            "dyn.example",
            "dyn.db",
        ],
        d,
    );
    assert!(
        after.stdout.contains("loaded serial 2"),
        "{}",
        after.transcript()
    );
    let after_text = fs::read_to_string(d.join("after.db")).expect("read");

    // Rivet's journal of the same change, made by comparing the two versions.
    write_journal(
        &d.join("original.db.jnl"),
        "dyn.example.",
        &[DYN, &after_text],
    );
    let bind_print = checked(&journalprint, &["dyn.db.jnl"], d);
    let rivet_print = checked(&rivet, &["--print-journal", "original.db.jnl"], d);
    // del SOA, a A (its TTL changes), a TXT, c A; add SOA, b A, a A twice, the TXT.
    assert_eq!(
        bind_print.stdout.lines().count(),
        9,
        "{}",
        bind_print.stdout
    );
    assert_eq!(
        transaction_lines(&rivet_print.stdout),
        transaction_lines(&bind_print.stdout),
        "BIND:\n{}\nRivet:\n{}",
        bind_print.stdout,
        rivet_print.stdout
    );
    let bind_dump = checked(
        &checkzone,
        &["-i", "none", "-j", "-D", "dyn.example", "dyn.db"],
        d,
    );
    let rivet_dump = checked(
        &rivet,
        &["-i", "none", "-j", "-D", "dyn.example", "original.db"],
        d,
    );
    assert_eq!(
        normalise_dump(&rivet_dump.stdout),
        normalise_dump(&bind_dump.stdout)
    );
}
