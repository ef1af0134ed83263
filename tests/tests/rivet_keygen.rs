//! rivet-keygen: the key files it writes are private, replaced whole and read by BIND's
//! `named` and `rndc`; the rndc.conf and TSIG clauses it prints are accepted by BIND's
//! tools; bad arguments fail with rndc-confgen's messages.
//!
//! The BIND parts are skipped with a notice when BIND is missing, except in CI.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use tests::bind;
use tests::control::{BindControl, KeySpec, ZONE};
use tests::run::{Output, run};

fn keygen() -> PathBuf {
    tests::cargo_bin::build("ctl", "rivet-keygen")
}

fn keygen_run(dir: &Path, args: &[&str]) -> Output {
    run(&keygen(), args, dir).expect("rivet-keygen runs")
}

#[test]
fn key_file_is_private_and_parses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rndc.key");
    std::fs::write(&path, "old key").expect("write");
    let out = keygen_run(
        dir.path(),
        &["-a", "-c", "rndc.key", "-k", "ctl-key", "-A", "hmac-sha512"],
    );
    assert!(out.success(), "{}", out.transcript());
    assert_eq!(out.stderr, "wrote key file \"rndc.key\"\n");
    let meta = std::fs::metadata(&path).expect("written");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let key = conf::rndc::parse_rndc_key(&path).expect("parses");
    assert_eq!(key.name, "ctl-key");
    assert_eq!(key.algorithm, conf::model::KeyAlgorithm::HmacSha512);
    assert_eq!(key.secret.len(), 64);
    // Nothing but the key file is left in the directory.
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);

    let quiet = keygen_run(dir.path(), &["-a", "-q", "-c", "rndc.key"]);
    assert!(
        quiet.success() && quiet.stderr.is_empty(),
        "{}",
        quiet.transcript()
    );
    let again = conf::rndc::parse_rndc_key(&path).expect("parses");
    assert_eq!(again.name, "rndc-key");
    assert_eq!(again.algorithm, conf::model::KeyAlgorithm::HmacSha256);
    assert_eq!(again.secret.len(), 32);
}

#[test]
fn owner_is_set_with_u() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Only root may give a file away; as another user, the own name still works.
    let me = std::fs::metadata(dir.path()).expect("meta").uid();
    let user = if me == 0 { "nobody" } else { "root" };
    let out = keygen_run(dir.path(), &["-a", "-c", "k.key", "-u", user]);
    if me == 0 {
        assert!(out.success(), "{}", out.transcript());
        let uid = std::fs::metadata(dir.path().join("k.key"))
            .expect("meta")
            .uid();
        assert_eq!(Some(uid), ctl::keygen::user_id("nobody"));
    } else {
        assert_eq!(out.code, Some(1), "{}", out.transcript());
        assert!(
            !dir.path().join("k.key").exists(),
            "a half-made key file was left"
        );
    }
    let out = keygen_run(
        dir.path(),
        &["-a", "-c", "x.key", "-u", "no-such-user-here"],
    );
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr,
        "rivet-keygen: user no-such-user-here not found\n"
    );
    assert!(!dir.path().join("x.key").exists());
}

#[test]
fn bad_arguments_fail_like_rndc_confgen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = keygen_run(dir.path(), &["-A", "hmac-foo"]);
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr,
        "rivet-keygen: Unsupported algorithm 'hmac-foo'\n"
    );
    let out = keygen_run(dir.path(), &["-b", "0"]);
    assert_eq!(
        out.stderr,
        "rivet-keygen: keysize 0 out of range (must be 1-512)\n"
    );
    let out = keygen_run(dir.path(), &["tsig", "-a", "hmac-sha256-128"]);
    assert_eq!(out.code, Some(1));
    let out = keygen_run(dir.path(), &["-c", "k.key"]);
    assert_eq!(out.code, Some(1), "-c without -a: {}", out.transcript());
}

#[test]
fn printed_configuration_is_accepted_by_bind() {
    let Some(checkconf) = bind::require(
        "named-checkconf",
        "printed_configuration_is_accepted_by_bind",
    ) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let out = keygen_run(
        dir.path(),
        &["-k", "ops", "-p", "1953", "-s", "127.0.0.1", "-b", "100"],
    );
    assert!(out.success(), "{}", out.transcript());
    let conf = conf::rndc::parse_rndc_conf_str("rndc.conf", &out.stdout).expect("rndc.conf parses");
    assert_eq!(conf.options.default_key.as_deref(), Some("ops"));
    assert_eq!(conf.options.default_port, Some(1953));
    assert_eq!(conf.key("ops").map(|k| k.secret.len()), Some(13));
    // The commented named.conf part, uncommented, is a valid named.conf.
    let named: String = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("# key "))
        .take_while(|l| !l.starts_with("# End of named.conf"))
        .map(|l| {
            format!(
                "{}\n",
                l.strip_prefix("# ").or(l.strip_prefix('#')).unwrap_or(l)
            )
        })
        .collect();
    assert!(named.contains("controls {"), "{named}");
    let path = dir.path().join("named.conf");
    std::fs::write(&path, &named).expect("write");
    let check = run(&checkconf, [path.as_os_str()], dir.path()).expect("named-checkconf runs");
    assert!(check.success(), "{named}\n{}", check.transcript());

    for alg in [
        "hmac-md5",
        "hmac-sha1",
        "hmac-sha224",
        "hmac-sha256",
        "hmac-sha384",
        "hmac-sha512",
    ] {
        let out = keygen_run(dir.path(), &["tsig", "-a", alg, "xfer-key"]);
        assert!(out.success(), "{}", out.transcript());
        assert!(
            out.stdout
                .starts_with(&format!("key \"xfer-key\" {{\n\talgorithm {alg};\n"))
        );
        std::fs::write(&path, &out.stdout).expect("write");
        let check = run(&checkconf, [path.as_os_str()], dir.path()).expect("named-checkconf runs");
        assert!(check.success(), "{}\n{}", out.stdout, check.transcript());
    }
    let out = keygen_run(dir.path(), &["tsig"]);
    assert!(
        out.stdout
            .starts_with("key \"tsig-key\" {\n\talgorithm hmac-sha256;\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn written_key_drives_named_with_rndc_and_rivetctl() {
    let test = "written_key_drives_named_with_rndc_and_rivetctl";
    let (Some(named), Some(rndc)) = (bind::require("named", test), bind::require("rndc", test))
    else {
        return;
    };
    let keys_dir = tempfile::tempdir().expect("tempdir");
    let key_path = keys_dir.path().join("rndc.key");
    let out = keygen_run(
        keys_dir.path(),
        &["-a", "-c", "rndc.key", "-k", "made-here"],
    );
    assert!(out.success(), "{}", out.transcript());
    let key = conf::rndc::parse_rndc_key(&key_path).expect("parses");
    let secret = ctl::keygen::encode_secret(&key.secret);
    let spec = KeySpec {
        name: "made-here",
        algorithm: "hmac-sha256",
        secret: Box::leak(secret.into_boxed_str()),
    };
    let server = BindControl::start(&named, &[spec]).unwrap_or_else(|e| panic!("named: {e}"));
    let port = server.control_port.to_string();
    // Both read the key file because no rndc.conf exists in the default places.
    let args = [
        "-k",
        key_path.to_str().expect("utf-8"),
        "-s",
        "127.0.0.1",
        "-p",
        &port,
        "zonestatus",
        ZONE,
    ];
    let theirs = run(&rndc, args, keys_dir.path()).expect("rndc runs");
    assert!(theirs.success(), "{}", theirs.transcript());
    let ours = run(
        &tests::cargo_bin::build("ctl", "rivetctl"),
        args,
        keys_dir.path(),
    )
    .expect("runs");
    assert!(ours.success(), "{}", ours.transcript());
    assert_eq!(ours.stdout, theirs.stdout);
}
