use super::*;

/// The `logging` statement of `text`, with `directory` set to `dir`.
fn logging_in(dir: &Path, text: &str) -> Option<Logging> {
    let text = format!("options {{ directory \"{}\"; }};\n{text}", dir.display());
    let options = conf::ParseOptions::default();
    conf::load_str(&conf::RealFs::new(), "named.conf", &text, &options)
        .expect("configuration loads")
        .config
        .logging
}

fn names(routing: &Routing, category: Category) -> Vec<&str> {
    routing.routes[category.index()]
        .iter()
        .map(|&i| routing.channels[i].name.as_str())
        .collect()
}

#[test]
fn without_a_logging_statement_everything_goes_to_syslog_and_named_run() {
    let dir = tempfile::tempdir().expect("test step");
    let routing = Routing::build(None, dir.path()).expect("test step");
    for category in Category::ALL {
        assert_eq!(
            names(&routing, category),
            ["default_syslog", "default_debug"]
        );
    }
    // named.run is written only at a debug level above zero.
    assert_eq!(routing.debug_ceiling(0), 0);
    assert_eq!(routing.debug_ceiling(3), 3);
    assert!(!dir.path().join("named.run").exists());
}

#[test]
fn categories_not_named_follow_default() {
    let dir = tempfile::tempdir().expect("test step");
    let text = "logging {
        channel q { file \"q.log\"; };
        channel e { stderr; };
        category queries { q; };
        category default { e; default_syslog; };
        category xfer-in { null; };
    };";
    let routing =
        Routing::build(logging_in(dir.path(), text).as_ref(), dir.path()).expect("test step");
    assert_eq!(names(&routing, Category::Queries), ["q"]);
    assert_eq!(names(&routing, Category::General), ["e", "default_syslog"]);
    assert_eq!(names(&routing, Category::Zoneload), ["e", "default_syslog"]);
    assert_eq!(names(&routing, Category::XferIn), ["null"]);
    // The file is created when the configuration is checked.
    assert!(dir.path().join("q.log").exists());
}

#[test]
fn without_category_default_the_built_in_default_stays() {
    let dir = tempfile::tempdir().expect("test step");
    let text = "logging { channel q { file \"q.log\"; }; category queries { q; }; };";
    let routing =
        Routing::build(logging_in(dir.path(), text).as_ref(), dir.path()).expect("test step");
    assert_eq!(names(&routing, Category::Queries), ["q"]);
    assert_eq!(
        names(&routing, Category::General),
        ["default_syslog", "default_debug"]
    );
}

#[test]
fn a_file_that_cannot_be_opened_fails_the_configuration() {
    let dir = tempfile::tempdir().expect("test step");
    let text = "logging { channel q { file \"no/such/dir/q.log\"; }; category queries { q; }; };";
    let err = Routing::build(logging_in(dir.path(), text).as_ref(), dir.path())
        .expect_err("test step fails");
    assert_eq!(err, "file not found");
}

fn channel_with(threshold: Threshold, debug_only: bool) -> Channel {
    Channel {
        name: "c".into(),
        sink: Sink::Null,
        threshold,
        layout: Layout::BARE,
        debug_only,
    }
}

#[test]
fn severity_thresholds_as_bind_compares_them() {
    let info = channel_with(LogSeverity::Info.into(), false);
    assert!(info.accepts(Severity::Critical, 0));
    assert!(info.accepts(Severity::Info, 5));
    assert!(!info.accepts(Severity::Debug(1), 5));

    let warning = channel_with(LogSeverity::Warning.into(), false);
    assert!(warning.accepts(Severity::Error, 0));
    assert!(!warning.accepts(Severity::Notice, 0));

    // `debug N` takes debug lines up to N whatever the server's level.
    let debug3 = channel_with(LogSeverity::Debug(3).into(), false);
    assert!(debug3.accepts(Severity::Debug(3), 0));
    assert!(!debug3.accepts(Severity::Debug(4), 9));

    let dynamic = channel_with(LogSeverity::Dynamic.into(), false);
    assert!(dynamic.accepts(Severity::Info, 0));
    assert!(!dynamic.accepts(Severity::Debug(1), 0));
    assert!(dynamic.accepts(Severity::Debug(2), 2));

    let debug_only = channel_with(LogSeverity::Dynamic.into(), true);
    assert!(!debug_only.accepts(Severity::Error, 0));
    assert!(debug_only.accepts(Severity::Error, 1));
}

#[test]
fn lines_reach_the_files_their_category_goes_to() {
    let dir = tempfile::tempdir().expect("test step");
    let text = "logging {
        channel q { file \"q.log\"; print-category yes; print-severity yes; };
        channel w { file \"w.log\"; severity warning; };
        category queries { q; };
        category default { w; };
    };";
    let routing =
        Routing::build(logging_in(dir.path(), text).as_ref(), dir.path()).expect("test step");
    routing.write(
        Category::Queries,
        Severity::Info,
        format_args!("client query"),
        0,
    );
    routing.write(
        Category::General,
        Severity::Info,
        format_args!("dropped"),
        0,
    );
    routing.write(
        Category::Zoneload,
        Severity::Error,
        format_args!("zone failed"),
        0,
    );
    drop(routing);
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).expect("test step");
    assert_eq!(read("q.log"), "queries: info: client query\n");
    assert_eq!(read("w.log"), "zone failed\n");
}

#[test]
fn a_debug_channel_raises_the_ceiling() {
    let dir = tempfile::tempdir().expect("test step");
    let text =
        "logging { channel d { file \"d.log\"; severity debug 4; }; category default { d; }; };";
    let routing =
        Routing::build(logging_in(dir.path(), text).as_ref(), dir.path()).expect("test step");
    assert_eq!(routing.debug_ceiling(0), 4);
    assert_eq!(routing.debug_ceiling(9), 4);
}
