//! BIND 9.18's named.conf grammar, as data: every statement and option it accepts, with the
//! shape of its value and its flags (may repeat, deprecated, obsolete, removed, ...).
//!
//! The parser walks these tables; the printer walks them again to print a configuration in
//! canonical form, clause by clause in the order given here (BIND's order, so `-p` output
//! matches `named-checkconf -p`). The names and shapes come from BIND 9.18 as Debian builds it
//! (dnstap, GeoIP2, LMDB and DNS-over-HTTPS on; DNSRPS off).

/// The clause may appear more than once.
pub(crate) const MULTI: u32 = 0x1;
/// BIND warns that the clause is obsolete and ignores it.
pub(crate) const OBSOLETE: u32 = 0x2;
/// Handled as soon as it is parsed (`directory`: later relative paths depend on it).
pub(crate) const CALLBACK: u32 = 0x20;
/// For BIND's own tests.
pub(crate) const TESTONLY: u32 = 0x40;
/// Not built into BIND as Debian ships it: an error.
pub(crate) const NOTCONFIGURED: u32 = 0x80;
/// BIND warns that the clause is deprecated.
pub(crate) const DEPRECATED: u32 = 0x400;
/// Removed from BIND long ago: an error.
pub(crate) const ANCIENT: u32 = 0x800;

/// Zone types a zone option is valid for.
pub(crate) const Z_PRIMARY: u32 = 1 << 0;
pub(crate) const Z_SECONDARY: u32 = 1 << 1;
pub(crate) const Z_STUB: u32 = 1 << 2;
pub(crate) const Z_HINT: u32 = 1 << 3;
pub(crate) const Z_FORWARD: u32 = 1 << 4;
pub(crate) const Z_STATICSTUB: u32 = 1 << 5;
pub(crate) const Z_REDIRECT: u32 = 1 << 6;
pub(crate) const Z_DELEGATION: u32 = 1 << 7;
pub(crate) const Z_INVIEW: u32 = 1 << 8;
pub(crate) const Z_MIRROR: u32 = 1 << 9;

/// Address syntax flags.
pub(crate) const A_V4: u32 = 0x1;
pub(crate) const A_V4PREFIX: u32 = 0x2;
pub(crate) const A_V6: u32 = 0x4;
pub(crate) const A_WILD: u32 = 0x8;
pub(crate) const A_DSCP: u32 = 0x10;
pub(crate) const A_PORT: u32 = 0x20;

/// One statement or option inside a block.
#[derive(Debug)]
pub(crate) struct Clause {
    /// Its keyword.
    pub name: &'static str,
    /// The shape of its value.
    pub ty: &'static Ty,
    /// `MULTI`, `DEPRECATED`, ...
    pub flags: u32,
    /// For zone options: the zone types it is valid in (`Z_*`).
    pub zones: u32,
}

/// A field of a tuple.
#[derive(Debug)]
pub(crate) struct Field {
    /// Its name (for keyword tuples, the keyword that introduces it).
    pub name: &'static str,
    /// Its shape.
    pub ty: &'static Ty,
}

/// Value shapes whose syntax is irregular, each parsed by its own function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Special {
    /// A quoted string or `none`.
    QStringOrNone,
    /// A quoted string, `none` or `hostname`.
    ServerId,
    /// `yes`, `no` or `auto`.
    BoolOrAuto,
    /// A port number or `range LOW HIGH`.
    PortRange,
    /// An optional number.
    OptionalUint32,
    /// An optional class name (`zone "x" IN { ... }`).
    OptionalClass,
    /// An optional syslog facility.
    OptionalFacility,
    /// `critical | error | warning | notice | info | dynamic | debug [N]`.
    LogSeverity,
    /// `"path" [versions N|unlimited] [size S] [suffix increment|timestamp]`.
    LogFile,
    /// `file|unix "path" [size S] [versions N] [suffix ...]`.
    DnstapOutput,
    /// `[address] (ADDR|*) [port P] [dscp D]`, IPv4.
    QuerySource4,
    /// The same, IPv6.
    QuerySource6,
    /// `keys NAME;` or `keys { NAME; };` in a `server` block.
    ServerKey,
    /// `local` or `{ grant ...; deny ...; }`.
    UpdatePolicy,
    /// The match type of a grant rule.
    MatchType,
    /// The name of a grant rule (absent after `zonesub`).
    MatchName,
    /// `policy given|disabled|...|cname NAME` in a response policy zone.
    RpzPolicy,
    /// An address with optional port, or the name of a list of remote servers.
    RemotesElement,
    /// An address or a host name, each with an optional port.
    SockAddrNamePort,
    /// One element of an address match list.
    AddrMatchElement,
    /// `geoip [db NAME] TYPE VALUE` in an address match list.
    Geoip,
    /// A size with a unit, or a percentage.
    SizeValPercent,
}

/// The shape of a value.
#[derive(Debug)]
pub(crate) enum Ty {
    /// Nothing at all.
    Void,
    /// A quoted string.
    QString,
    /// A bare word.
    UString,
    /// A quoted or bare string (printed quoted).
    AString,
    /// A secret string (printed quoted, or masked).
    SString,
    /// A 32-bit number (C notation: `0x10`, `010`).
    Uint32,
    /// `yes|no|true|false|1|0`.
    Boolean,
    /// A TTL-style or ISO 8601 duration.
    Duration,
    /// A duration or `unlimited`.
    DurationOrUnlimited,
    /// `N%`.
    Percentage,
    /// A number with at most two decimals.
    FixedPoint,
    /// A number with an optional `k|m|g` unit.
    SizeVal,
    /// Raw text in braces.
    BText,
    /// Optional raw text in braces.
    OptBText,
    /// One of the words.
    Enum(&'static [&'static str]),
    /// One of the words, or else the other shape (`Void`: the words are optional).
    EnumOr(&'static [&'static str], &'static Ty),
    /// An address (`A_*` flags).
    NetAddr(u32),
    /// An address with a prefix length.
    NetPrefix,
    /// An address with optional `port` (and `dscp`) (`A_*` flags).
    SockAddr(u32),
    /// Fields one after the other.
    Tuple(&'static [Field]),
    /// A first field, then the others introduced by their keywords, in any order.
    KvTuple(&'static [Field]),
    /// `KEYWORD value`, required.
    KeyValue(&'static str, &'static Ty),
    /// `KEYWORD value`, optional.
    OptKeyValue(&'static str, &'static Ty),
    /// `{ element; element; ... }`.
    List(&'static Ty),
    /// Elements separated by spaces, up to the `;`.
    SpaceList(&'static Ty),
    /// `{ clause; clause; ... }`.
    Map(&'static [&'static [Clause]]),
    /// `NAME { clause; ... }`.
    NamedMap(&'static [&'static [Clause]]),
    /// `PREFIX { clause; ... }`.
    PrefixMap(&'static [&'static [Clause]]),
    /// The clauses of the top level, without braces.
    MapBody(&'static [&'static [Clause]]),
    /// Irregular syntax.
    Special(Special),
}

const fn c(name: &'static str, ty: &'static Ty, flags: u32) -> Clause {
    Clause {
        name,
        ty,
        flags,
        zones: 0,
    }
}

const fn z(name: &'static str, ty: &'static Ty, flags: u32, zones: u32) -> Clause {
    Clause {
        name,
        ty,
        flags,
        zones,
    }
}

const fn f(name: &'static str, ty: &'static Ty) -> Field {
    Field { name, ty }
}

// ---------------------------------------------------------------------------------------------
// Terminals and small shapes

pub(crate) static VOID: Ty = Ty::Void;
pub(crate) static QSTRING: Ty = Ty::QString;
pub(crate) static USTRING: Ty = Ty::UString;
pub(crate) static ASTRING: Ty = Ty::AString;
pub(crate) static SSTRING: Ty = Ty::SString;
pub(crate) static UINT32: Ty = Ty::Uint32;
pub(crate) static BOOLEAN: Ty = Ty::Boolean;
pub(crate) static DURATION: Ty = Ty::Duration;
pub(crate) static DURATION_OR_UNLIMITED: Ty = Ty::DurationOrUnlimited;
pub(crate) static PERCENTAGE: Ty = Ty::Percentage;
pub(crate) static FIXEDPOINT: Ty = Ty::FixedPoint;
pub(crate) static SIZEVAL: Ty = Ty::SizeVal;
pub(crate) static BTEXT: Ty = Ty::BText;
pub(crate) static OPT_BTEXT: Ty = Ty::OptBText;
pub(crate) static NETPREFIX: Ty = Ty::NetPrefix;
pub(crate) static NETADDR: Ty = Ty::NetAddr(A_V4 | A_V6);
pub(crate) static NETADDR6: Ty = Ty::NetAddr(A_V6);
pub(crate) static NETADDR4WILD: Ty = Ty::NetAddr(A_V4 | A_WILD);
pub(crate) static NETADDR6WILD: Ty = Ty::NetAddr(A_V6 | A_WILD);
pub(crate) static SOCKADDR: Ty = Ty::SockAddr(A_V4 | A_V6 | A_PORT);
pub(crate) static SOCKADDR_DSCP: Ty = Ty::SockAddr(A_V4 | A_V6 | A_DSCP | A_PORT);
pub(crate) static SOCKADDR4WILD: Ty = Ty::SockAddr(A_WILD | A_V4 | A_DSCP);
pub(crate) static SOCKADDR6WILD: Ty = Ty::SockAddr(A_WILD | A_V6 | A_DSCP);
pub(crate) static CONTROLS_SOCKADDR: Ty = Ty::SockAddr(A_V4 | A_V6 | A_WILD | A_PORT);
pub(crate) static QSTRING_OR_NONE: Ty = Ty::Special(Special::QStringOrNone);
pub(crate) static SERVERID: Ty = Ty::Special(Special::ServerId);
pub(crate) static BOOL_OR_AUTO: Ty = Ty::Special(Special::BoolOrAuto);
pub(crate) static OPTIONAL_UINT32: Ty = Ty::Special(Special::OptionalUint32);
pub(crate) static OPTIONAL_CLASS: Ty = Ty::Special(Special::OptionalClass);

pub(crate) static OPTIONAL_PORT: Ty = Ty::OptKeyValue("port", &UINT32);
pub(crate) static OPTIONAL_DSCP: Ty = Ty::OptKeyValue("dscp", &UINT32);
pub(crate) static OPTIONAL_KEYREF: Ty = Ty::OptKeyValue("key", &ASTRING);
pub(crate) static OPTIONAL_TLS: Ty = Ty::OptKeyValue("tls", &ASTRING);
pub(crate) static KEYREF: Ty = Ty::KeyValue("key", &ASTRING);

pub(crate) static SIZE: Ty = Ty::EnumOr(&["default", "unlimited"], &SIZEVAL);
pub(crate) static SIZE_NODEFAULT: Ty = Ty::EnumOr(&["unlimited"], &SIZEVAL);
pub(crate) static SIZEVAL_PERCENT: Ty = Ty::Special(Special::SizeValPercent);
pub(crate) static SIZE_OR_PERCENT: Ty = Ty::EnumOr(&["default", "unlimited"], &SIZEVAL_PERCENT);
pub(crate) static IXFRRATIO: Ty = Ty::EnumOr(&["unlimited"], &PERCENTAGE);
pub(crate) static MAXDURATION: Ty = Ty::EnumOr(&["unlimited"], &DURATION);

pub(crate) static CHECKMODE: Ty = Ty::Enum(&["fail", "warn", "ignore"]);
static WARN: Ty = Ty::Enum(&["warn", "ignore"]);
static CHECKTYPE: Ty = Ty::Enum(&["primary", "master", "secondary", "slave", "response"]);
static CHECKNAMES: Ty = Ty::Tuple(&[f("type", &CHECKTYPE), f("mode", &CHECKMODE)]);
static AUTODNSSEC: Ty = Ty::Enum(&["allow", "maintain", "off"]);
static DNSSECUPDATEMODE: Ty = Ty::Enum(&["maintain", "no-resign"]);
static UPDATEMETHOD: Ty = Ty::Enum(&["date", "increment", "unixtime"]);
pub(crate) static ZONESTAT: Ty = Ty::EnumOr(&["full", "terse", "none"], &BOOLEAN);
pub(crate) static FORWARDTYPE: Ty = Ty::Enum(&["first", "only"]);
/// Zone types, as `type` takes them.
pub(crate) static ZONETYPE: Ty = Ty::Enum(&[
    "primary",
    "master",
    "secondary",
    "slave",
    "mirror",
    "delegation-only",
    "forward",
    "hint",
    "redirect",
    "static-stub",
    "stub",
]);
pub(crate) static LOGLEVEL: Ty =
    Ty::Enum(&["critical", "error", "warning", "notice", "info", "dynamic"]);
pub(crate) static TRANSFERFORMAT: Ty = Ty::Enum(&["many-answers", "one-answer"]);
static COOKIEALG: Ty = Ty::Enum(&["aes", "siphash24"]);
pub(crate) static MASTERFORMAT: Ty = Ty::Enum(&["raw", "text"]);
pub(crate) static MASTERSTYLE: Ty = Ty::Enum(&["full", "relative"]);
static QMINMETHOD: Ty = Ty::Enum(&["strict", "relaxed", "disabled", "off"]);
static DIALUPTYPE: Ty = Ty::EnumOr(
    &["notify", "notify-passive", "passive", "refresh"],
    &BOOLEAN,
);
pub(crate) static NOTIFYTYPE: Ty =
    Ty::EnumOr(&["explicit", "master-only", "primary-only"], &BOOLEAN);
pub(crate) static MINIMAL: Ty = Ty::EnumOr(&["no-auth", "no-auth-recursive"], &BOOLEAN);
pub(crate) static IXFRDIFFTYPE: Ty =
    Ty::EnumOr(&["primary", "master", "secondary", "slave"], &BOOLEAN);
pub(crate) static PRINTTIME: Ty = Ty::EnumOr(&["iso8601", "iso8601-utc", "local"], &BOOLEAN);
static STALEANSWERCLIENTTIMEOUT: Ty = Ty::EnumOr(&["disabled", "off"], &UINT32);
static FSTRM_MODEL: Ty = Ty::Enum(&["mpsc", "spsc"]);
pub(crate) static LOGVERSIONS: Ty = Ty::EnumOr(&["unlimited"], &UINT32);
pub(crate) static LOGSUFFIX: Ty = Ty::Enum(&["increment", "timestamp"]);

// ---------------------------------------------------------------------------------------------
// Address match lists and remote server lists

/// `{ element; ... }` where each element is an address, prefix, ACL name, `key NAME`, `!x` or
/// a nested list.
pub(crate) static AML: Ty = Ty::List(&AML_ELEMENT);
pub(crate) static AML_ELEMENT: Ty = Ty::Special(Special::AddrMatchElement);
/// `!element`.
pub(crate) static NEGATED: Ty = Ty::Tuple(&[f("negated", &AML_ELEMENT)]);
pub(crate) static GEOIPTYPE: Ty = Ty::Enum(&[
    "area",
    "areacode",
    "asnum",
    "city",
    "continent",
    "country",
    "country3",
    "countryname",
    "domain",
    "isp",
    "metro",
    "metrocode",
    "netspeed",
    "org",
    "postal",
    "postalcode",
    "region",
    "regionname",
    "timezone",
    "tz",
]);
/// `geoip [db NAME] TYPE VALUE`.
pub(crate) static GEOIP: Ty = Ty::Special(Special::Geoip);
/// The fields of a `geoip` element.
pub(crate) static GEOIP_FIELDS: &[Field] = &[
    f("negated", &VOID),
    f("db", &ASTRING),
    f("subtype", &GEOIPTYPE),
    f("search", &ASTRING),
];

pub(crate) static REMOTES_ELEMENT: Ty = Ty::Special(Special::RemotesElement);
/// One entry of a remote server list.
pub(crate) static NAMESOCKADDRKEY: Ty = Ty::Tuple(&[
    f("remoteselement", &REMOTES_ELEMENT),
    f("key", &OPTIONAL_KEYREF),
    f("tls", &OPTIONAL_TLS),
]);
static NAMESOCKADDRKEY_LIST: Ty = Ty::List(&NAMESOCKADDRKEY);
/// `[port N] { entries }` as in `primaries`, `also-notify`.
pub(crate) static NAMESOCKADDRKEYLIST: Ty = Ty::Tuple(&[
    f("port", &OPTIONAL_PORT),
    f("dscp", &OPTIONAL_DSCP),
    f("addresses", &NAMESOCKADDRKEY_LIST),
]);
/// `primaries NAME [port N] { entries };`.
pub(crate) static REMOTESERVERS: Ty = Ty::Tuple(&[
    f("name", &ASTRING),
    f("port", &OPTIONAL_PORT),
    f("dscp", &OPTIONAL_DSCP),
    f("addresses", &NAMESOCKADDRKEY_LIST),
]);
static SOCKADDR_DSCP_LIST: Ty = Ty::List(&SOCKADDR_DSCP);
/// `[port N] { address [port N]; ... }` as in `forwarders`.
pub(crate) static PORTIPLIST: Ty = Ty::Tuple(&[
    f("port", &OPTIONAL_PORT),
    f("dscp", &OPTIONAL_DSCP),
    f("addresses", &SOCKADDR_DSCP_LIST),
]);
static SOCKADDRNAMEPORT: Ty = Ty::Special(Special::SockAddrNamePort);
pub(crate) static SOCKADDRNAMEPORT_LIST: Ty = Ty::List(&SOCKADDRNAMEPORT);
/// `NAME [port N]`.
pub(crate) static NAMEPORT: Ty = Ty::Tuple(&[
    f("name", &ASTRING),
    f("port", &OPTIONAL_PORT),
    f("dscp", &OPTIONAL_DSCP),
]);
static NAMEPORTIPLIST: Ty = Ty::Tuple(&[
    f("port", &OPTIONAL_PORT),
    f("addresses", &SOCKADDRNAMEPORT_LIST),
]);
static NETADDR_LIST: Ty = Ty::List(&NETADDR);
pub(crate) static NAMELIST: Ty = Ty::List(&ASTRING);

// ---------------------------------------------------------------------------------------------
// Listeners, transfers, options with odd syntax

static LISTEN_TUPLE: Ty = Ty::KvTuple(&[
    f("port", &OPTIONAL_PORT),
    f("dscp", &UINT32),
    f("tls", &ASTRING),
    f("http", &ASTRING),
]);
/// `listen-on [port N] [tls NAME] [http NAME] { aml }`.
pub(crate) static LISTENON: Ty = Ty::Tuple(&[f("tuple", &LISTEN_TUPLE), f("acl", &AML)]);
static TRANSPORT_ACL_TUPLE: Ty =
    Ty::KvTuple(&[f("port", &OPTIONAL_PORT), f("transport", &ASTRING)]);
/// `allow-transfer [port N] [transport T] { aml }`.
pub(crate) static TRANSPORT_ACL: Ty =
    Ty::Tuple(&[f("port-transport", &TRANSPORT_ACL_TUPLE), f("aml", &AML)]);
static PORTRANGE: Ty = Ty::Special(Special::PortRange);
static PORTLIST: Ty = Ty::List(&PORTRANGE);
static TKEY_DHKEY: Ty = Ty::Tuple(&[f("name", &QSTRING), f("keyid", &UINT32)]);
static EXCEPT_FROM: Ty = Ty::OptKeyValue("except-from", &NAMELIST);
static DENYADDRESSES: Ty = Ty::Tuple(&[f("acl", &AML), f("except-from", &EXCEPT_FROM)]);
static DENYALIASES: Ty = Ty::Tuple(&[f("name", &NAMELIST), f("except-from", &EXCEPT_FROM)]);
static ALGORITHMLIST: Ty = Ty::List(&ASTRING);
static DISABLEALGORITHM: Ty = Ty::Tuple(&[f("name", &ASTRING), f("algorithms", &ALGORITHMLIST)]);
static DISABLEDSDIGEST: Ty = Ty::Tuple(&[f("name", &ASTRING), f("digests", &ALGORITHMLIST)]);
static MUSTBESECURE: Ty = Ty::Tuple(&[f("name", &ASTRING), f("value", &BOOLEAN)]);
static BLOCKSIZE: Ty = Ty::KeyValue("block-size", &UINT32);
static RESPPADDING: Ty = Ty::Tuple(&[f("acl", &AML), f("block-size", &BLOCKSIZE)]);
static DNSTAP_TYPE: Ty = Ty::Enum(&["all", "auth", "client", "forwarder", "resolver", "update"]);
static DNSTAP_MODE: Ty = Ty::EnumOr(&["query", "response"], &VOID);
static DNSTAP_ENTRY: Ty = Ty::Tuple(&[f("type", &DNSTAP_TYPE), f("mode", &DNSTAP_MODE)]);
static DNSTAP: Ty = Ty::List(&DNSTAP_ENTRY);
static DTMODE: Ty = Ty::Enum(&["file", "unix"]);
/// The fields of `dnstap-output`.
pub(crate) static DNSTAPOUTPUT_FIELDS: &[Field] = &[
    f("mode", &DTMODE),
    f("path", &QSTRING),
    f("size", &SIZE_NODEFAULT),
    f("versions", &LOGVERSIONS),
    f("suffix", &LOGSUFFIX),
];
static DNSTAPOUTPUT: Ty = Ty::Special(Special::DnstapOutput);
static RPZ_ZONE: Ty = Ty::KeyValue("zone", &ASTRING);
/// The words `policy` takes.
pub(crate) static RPZ_POLICY_NAME: Ty = Ty::Enum(&[
    "cname", "disabled", "drop", "given", "no-op", "nodata", "nxdomain", "passthru", "tcp-only",
]);
static RPZ_POLICY: Ty = Ty::Special(Special::RpzPolicy);
/// The fields of a response policy.
pub(crate) static RPZ_POLICY_FIELDS: &[Field] =
    &[f("policy name", &RPZ_POLICY_NAME), f("cname", &ASTRING)];
static RPZ_TUPLE: Ty = Ty::KvTuple(&[
    f("zone name", &RPZ_ZONE),
    f("add-soa", &BOOLEAN),
    f("log", &BOOLEAN),
    f("max-policy-ttl", &DURATION),
    f("min-update-interval", &DURATION),
    f("policy", &RPZ_POLICY),
    f("recursive-only", &BOOLEAN),
    f("nsip-enable", &BOOLEAN),
    f("nsdname-enable", &BOOLEAN),
]);
static RPZ_LIST: Ty = Ty::List(&RPZ_TUPLE);
static RPZ: Ty = Ty::KvTuple(&[
    f("zone list", &RPZ_LIST),
    f("add-soa", &BOOLEAN),
    f("break-dnssec", &BOOLEAN),
    f("max-policy-ttl", &DURATION),
    f("min-update-interval", &DURATION),
    f("min-ns-dots", &UINT32),
    f("nsip-wait-recurse", &BOOLEAN),
    f("nsdname-wait-recurse", &BOOLEAN),
    f("qname-wait-recurse", &BOOLEAN),
    f("recursive-only", &BOOLEAN),
    f("nsip-enable", &BOOLEAN),
    f("nsdname-enable", &BOOLEAN),
    f("dnsrps-enable", &BOOLEAN),
    f("dnsrps-options", &BTEXT),
]);
static CATZ_ZONE: Ty = Ty::KeyValue("zone", &ASTRING);
static CATZ_TUPLE: Ty = Ty::KvTuple(&[
    f("zone name", &CATZ_ZONE),
    f("default-masters", &NAMESOCKADDRKEYLIST),
    f("default-primaries", &NAMESOCKADDRKEYLIST),
    f("zone-directory", &QSTRING),
    f("in-memory", &BOOLEAN),
    f("min-update-interval", &DURATION),
]);
static CATZ_LIST: Ty = Ty::List(&CATZ_TUPLE);
static CATZ: Ty = Ty::KvTuple(&[f("zone list", &CATZ_LIST)]);
static RRL: Ty = Ty::Map(&[&[
    c("all-per-second", &UINT32, 0),
    c("errors-per-second", &UINT32, 0),
    c("exempt-clients", &AML, 0),
    c("ipv4-prefix-length", &UINT32, 0),
    c("ipv6-prefix-length", &UINT32, 0),
    c("log-only", &BOOLEAN, 0),
    c("max-table-size", &UINT32, 0),
    c("min-table-size", &UINT32, 0),
    c("nodata-per-second", &UINT32, 0),
    c("nxdomains-per-second", &UINT32, 0),
    c("qps-scale", &UINT32, 0),
    c("referrals-per-second", &UINT32, 0),
    c("responses-per-second", &UINT32, 0),
    c("slip", &UINT32, 0),
    c("window", &UINT32, 0),
]]);
static PREFETCH: Ty = Ty::Tuple(&[f("trigger", &UINT32), f("eligible", &OPTIONAL_UINT32)]);
static DNS64: Ty = Ty::PrefixMap(&[&[
    c("break-dnssec", &BOOLEAN, 0),
    c("clients", &AML, 0),
    c("exclude", &AML, 0),
    c("mapped", &AML, 0),
    c("recursive-only", &BOOLEAN, 0),
    c("suffix", &NETADDR6, 0),
]]);
static QUERYSOURCE4: Ty = Ty::Special(Special::QuerySource4);
static QUERYSOURCE6: Ty = Ty::Special(Special::QuerySource6);
static FETCHQUOTA: Ty = Ty::Tuple(&[
    f("frequency", &UINT32),
    f("low", &FIXEDPOINT),
    f("high", &FIXEDPOINT),
    f("discount", &FIXEDPOINT),
]);
static RESPONSETYPE: Ty = Ty::EnumOr(&["drop", "fail"], &VOID);
static FETCHESPER: Ty = Ty::Tuple(&[f("fetches", &UINT32), f("response", &RESPONSETYPE)]);
static WILD_CLASS: Ty = Ty::OptKeyValue("class", &USTRING);
static WILD_TYPE: Ty = Ty::OptKeyValue("type", &USTRING);
static WILD_NAME: Ty = Ty::OptKeyValue("name", &QSTRING);
static RRSETORDERINGELEMENT: Ty = Ty::Tuple(&[
    f("class", &WILD_CLASS),
    f("type", &WILD_TYPE),
    f("name", &WILD_NAME),
    f("order", &USTRING),
    f("ordering", &USTRING),
]);
static RRSETORDER: Ty = Ty::List(&RRSETORDERINGELEMENT);
static VALIDITYINTERVAL: Ty = Ty::Tuple(&[f("validity", &UINT32), f("re-sign", &OPTIONAL_UINT32)]);
static EXCLUDE: Ty = Ty::OptKeyValue("exclude", &NAMELIST);

/// `grant|deny IDENTITY MATCHTYPE [NAME] TYPES...`
pub(crate) static GRANT: Ty = Ty::Tuple(&[
    f("mode", &MODE),
    f("identity", &ASTRING),
    f("matchtype", &MATCHTYPE),
    f("name", &MATCHNAME),
    f("types", &RRTYPELIST),
]);
static MODE: Ty = Ty::Enum(&["deny", "grant"]);
/// The match types of grant rules.
pub(crate) static MATCHTYPE_ENUMS: &[&str] = &[
    "6to4-self",
    "external",
    "krb5-self",
    "krb5-selfsub",
    "krb5-subdomain",
    "krb5-subdomain-self-rhs",
    "ms-self",
    "ms-selfsub",
    "ms-subdomain",
    "ms-subdomain-self-rhs",
    "name",
    "self",
    "selfsub",
    "selfwild",
    "subdomain",
    "tcp-self",
    "wildcard",
    "zonesub",
];
static MATCHTYPE: Ty = Ty::Special(Special::MatchType);
static MATCHNAME: Ty = Ty::Special(Special::MatchName);
static RRTYPELIST: Ty = Ty::SpaceList(&ASTRING);
static UPDATEPOLICY: Ty = Ty::Special(Special::UpdatePolicy);

// ---------------------------------------------------------------------------------------------
// Top-level statements

static ACL: Ty = Ty::Tuple(&[f("name", &ASTRING), f("value", &AML)]);

static CONTROLS_ALLOW: Ty = Ty::KeyValue("allow", &AML);
static KEYLIST: Ty = Ty::List(&ASTRING);
static CONTROLS_KEYS: Ty = Ty::OptKeyValue("keys", &KEYLIST);
static CONTROLS_READONLY: Ty = Ty::OptKeyValue("read-only", &BOOLEAN);
static INETCONTROL: Ty = Ty::Tuple(&[
    f("address", &CONTROLS_SOCKADDR),
    f("allow", &CONTROLS_ALLOW),
    f("keys", &CONTROLS_KEYS),
    f("read-only", &CONTROLS_READONLY),
]);
static UNIXCONTROL: Ty = Ty::Tuple(&[
    f("path", &QSTRING),
    f("perm", &CONTROLS_PERM),
    f("owner", &CONTROLS_OWNER),
    f("group", &CONTROLS_GROUP),
    f("keys", &CONTROLS_KEYS),
    f("read-only", &CONTROLS_READONLY),
]);
static CONTROLS_PERM: Ty = Ty::KeyValue("perm", &UINT32);
static CONTROLS_OWNER: Ty = Ty::KeyValue("owner", &UINT32);
static CONTROLS_GROUP: Ty = Ty::KeyValue("group", &UINT32);
static CONTROLS: Ty = Ty::Map(&[&[
    c("inet", &INETCONTROL, MULTI),
    c("unix", &UNIXCONTROL, MULTI),
]]);

static DNSSECKEYROLE: Ty = Ty::Enum(&["csk", "ksk", "zsk"]);
static DNSSECKEYSTORE: Ty = Ty::EnumOr(&["key-directory"], &VOID);
static LIFETIME: Ty = Ty::KeyValue("lifetime", &DURATION_OR_UNLIMITED);
static ALGORITHM: Ty = Ty::KeyValue("algorithm", &USTRING);
static KASPKEY: Ty = Ty::Tuple(&[
    f("role", &DNSSECKEYROLE),
    f("keystore-type", &DNSSECKEYSTORE),
    f("lifetime", &LIFETIME),
    f("algorithm", &ALGORITHM),
    f("length", &OPTIONAL_UINT32),
]);
static KASPKEYS: Ty = Ty::List(&KASPKEY);
static NSEC3ITER: Ty = Ty::OptKeyValue("iterations", &UINT32);
static NSEC3OPTOUT: Ty = Ty::OptKeyValue("optout", &BOOLEAN);
static NSEC3SALT: Ty = Ty::OptKeyValue("salt-length", &UINT32);
static NSEC3: Ty = Ty::Tuple(&[
    f("iterations", &NSEC3ITER),
    f("optout", &NSEC3OPTOUT),
    f("salt-length", &NSEC3SALT),
]);
static DNSSECPOLICYOPTS: Ty = Ty::Map(&[&[
    c("dnskey-ttl", &DURATION, 0),
    c("keys", &KASPKEYS, 0),
    c("max-zone-ttl", &DURATION, 0),
    c("nsec3param", &NSEC3, 0),
    c("parent-ds-ttl", &DURATION, 0),
    c("parent-propagation-delay", &DURATION, 0),
    c("parent-registration-delay", &DURATION, OBSOLETE),
    c("publish-safety", &DURATION, 0),
    c("purge-keys", &DURATION, 0),
    c("retire-safety", &DURATION, 0),
    c("signatures-jitter", &DURATION, 0),
    c("signatures-refresh", &DURATION, 0),
    c("signatures-validity", &DURATION, 0),
    c("signatures-validity-dnskey", &DURATION, 0),
    c("zone-propagation-delay", &DURATION, 0),
]]);
static DNSSECPOLICY: Ty = Ty::Tuple(&[f("name", &ASTRING), f("options", &DNSSECPOLICYOPTS)]);

static HTTP_ENDPOINTS: Ty = Ty::List(&QSTRING);
static HTTP: Ty = Ty::NamedMap(&[&[
    c("endpoints", &HTTP_ENDPOINTS, 0),
    c("listener-clients", &UINT32, 0),
    c("streams-per-connection", &UINT32, 0),
]]);

static LOGFILE: Ty = Ty::Special(Special::LogFile);
/// The fields of a channel's `file` clause.
pub(crate) static LOGFILE_FIELDS: &[Field] = &[
    f("file", &QSTRING),
    f("versions", &LOGVERSIONS),
    f("size", &SIZE),
    f("suffix", &LOGSUFFIX),
];
static OPTIONAL_FACILITY: Ty = Ty::Special(Special::OptionalFacility);
static LOGSEVERITY: Ty = Ty::Special(Special::LogSeverity);
static CHANNEL: Ty = Ty::NamedMap(&[&[
    c("file", &LOGFILE, 0),
    c("syslog", &OPTIONAL_FACILITY, 0),
    c("null", &VOID, 0),
    c("stderr", &VOID, 0),
    c("severity", &LOGSEVERITY, 0),
    c("print-time", &PRINTTIME, 0),
    c("print-severity", &BOOLEAN, 0),
    c("print-category", &BOOLEAN, 0),
    c("buffered", &BOOLEAN, 0),
]]);
static DESTINATIONLIST: Ty = Ty::List(&ASTRING);
static CATEGORY: Ty = Ty::Tuple(&[f("name", &ASTRING), f("destinations", &DESTINATIONLIST)]);
static LOGGING: Ty = Ty::Map(&[&[
    c("channel", &CHANNEL, MULTI),
    c("category", &CATEGORY, MULTI),
]]);

static ANCHORTYPE: Ty = Ty::Enum(&["static-key", "initial-key", "static-ds", "initial-ds"]);
static MANAGEDKEY: Ty = Ty::Tuple(&[
    f("name", &ASTRING),
    f("anchortype", &ANCHORTYPE),
    f("rdata1", &UINT32),
    f("rdata2", &UINT32),
    f("rdata3", &UINT32),
    f("data", &QSTRING),
]);
static DNSSECKEYS: Ty = Ty::List(&MANAGEDKEY);
static DNSSECKEY: Ty = Ty::Tuple(&[
    f("name", &ASTRING),
    f("anchortype", &VOID),
    f("rdata1", &UINT32),
    f("rdata2", &UINT32),
    f("rdata3", &UINT32),
    f("data", &QSTRING),
]);
static TRUSTEDKEYS: Ty = Ty::List(&DNSSECKEY);

static STATSCHANNEL_ALLOW: Ty = Ty::OptKeyValue("allow", &AML);
static STATSCHANNEL: Ty = Ty::Tuple(&[
    f("address", &CONTROLS_SOCKADDR),
    f("allow", &STATSCHANNEL_ALLOW),
]);
static STATSCHANNELS: Ty = Ty::Map(&[&[c("inet", &STATSCHANNEL, MULTI)]]);

static TLSPROTOS: Ty = Ty::List(&ASTRING);
static TLSCONF: Ty = Ty::NamedMap(&[&[
    c("key-file", &QSTRING, 0),
    c("cert-file", &QSTRING, 0),
    c("ca-file", &QSTRING, 0),
    c("remote-hostname", &QSTRING, 0),
    c("dhparam-file", &QSTRING, 0),
    c("protocols", &TLSPROTOS, 0),
    c("ciphers", &ASTRING, 0),
    c("prefer-server-ciphers", &BOOLEAN, 0),
    c("session-tickets", &BOOLEAN, 0),
]]);

static VIEW: Ty = Ty::Tuple(&[
    f("name", &ASTRING),
    f("class", &OPTIONAL_CLASS),
    f("options", &VIEWOPTS),
]);
/// `zone NAME [CLASS] { ... }`.
pub(crate) static ZONE: Ty = Ty::Tuple(&[
    f("name", &ASTRING),
    f("class", &OPTIONAL_CLASS),
    f("options", &ZONEOPTS),
]);

static DLZ: Ty = Ty::NamedMap(&[&[c("database", &ASTRING, 0), c("search", &BOOLEAN, 0)]]);
static DYNDB: Ty = Ty::Tuple(&[
    f("name", &ASTRING),
    f("library", &QSTRING),
    f("parameters", &BTEXT),
]);
static PLUGINTYPE: Ty = Ty::Enum(&["query"]);
static PLUGIN: Ty = Ty::Tuple(&[
    f("type", &PLUGINTYPE),
    f("library", &ASTRING),
    f("parameters", &OPT_BTEXT),
]);
/// `key NAME { algorithm ...; secret ...; }`.
pub(crate) static KEY: Ty = Ty::NamedMap(&[KEY_CLAUSES]);
static KEY_CLAUSES: &[Clause] = &[c("algorithm", &ASTRING, 0), c("secret", &SSTRING, 0)];
static SERVER_KEY: Ty = Ty::Special(Special::ServerKey);
static SERVER: Ty = Ty::PrefixMap(&[&[
    c("bogus", &BOOLEAN, 0),
    c("edns", &BOOLEAN, 0),
    c("edns-udp-size", &UINT32, 0),
    c("edns-version", &UINT32, 0),
    c("keys", &SERVER_KEY, 0),
    c("max-udp-size", &UINT32, 0),
    c("notify-source", &SOCKADDR4WILD, 0),
    c("notify-source-v6", &SOCKADDR6WILD, 0),
    c("padding", &UINT32, 0),
    c("provide-ixfr", &BOOLEAN, 0),
    c("query-source", &QUERYSOURCE4, 0),
    c("query-source-v6", &QUERYSOURCE6, 0),
    c("request-expire", &BOOLEAN, 0),
    c("request-ixfr", &BOOLEAN, 0),
    c("request-nsid", &BOOLEAN, 0),
    c("request-sit", &VOID, ANCIENT),
    c("send-cookie", &BOOLEAN, 0),
    c("support-ixfr", &VOID, ANCIENT),
    c("tcp-keepalive", &BOOLEAN, 0),
    c("tcp-only", &BOOLEAN, 0),
    c("transfer-format", &TRANSFERFORMAT, 0),
    c("transfer-source", &SOCKADDR4WILD, 0),
    c("transfer-source-v6", &SOCKADDR6WILD, 0),
    c("transfers", &UINT32, 0),
]]);

// ---------------------------------------------------------------------------------------------
// Clause sets

static NAMEDCONF_CLAUSES: &[Clause] = &[
    c("acl", &ACL, MULTI),
    c("controls", &CONTROLS, MULTI),
    c("dnssec-policy", &DNSSECPOLICY, MULTI),
    c("http", &HTTP, MULTI),
    c("logging", &LOGGING, 0),
    c("lwres", &VOID, MULTI | ANCIENT),
    c("masters", &REMOTESERVERS, MULTI),
    c("options", &OPTIONS, 0),
    c("parental-agents", &REMOTESERVERS, MULTI),
    c("primaries", &REMOTESERVERS, MULTI),
    c("statistics-channels", &STATSCHANNELS, MULTI),
    c("tls", &TLSCONF, MULTI),
    c("view", &VIEW, MULTI),
];

static NAMEDCONF_OR_VIEW_CLAUSES: &[Clause] = &[
    c("dlz", &DLZ, MULTI),
    c("dyndb", &DYNDB, MULTI),
    c("key", &KEY, MULTI),
    c("managed-keys", &DNSSECKEYS, MULTI | DEPRECATED),
    c("plugin", &PLUGIN, MULTI),
    c("server", &SERVER, MULTI),
    c("trust-anchors", &DNSSECKEYS, MULTI),
    c("trusted-keys", &TRUSTEDKEYS, MULTI | DEPRECATED),
    c("zone", &ZONE, MULTI),
];

/// Clauses of the `options` statement only.
pub(crate) static OPTIONS_CLAUSES: &[Clause] = &[
    c("answer-cookie", &BOOLEAN, 0),
    c("automatic-interface-scan", &BOOLEAN, 0),
    c("avoid-v4-udp-ports", &PORTLIST, DEPRECATED),
    c("avoid-v6-udp-ports", &PORTLIST, DEPRECATED),
    c("bindkeys-file", &QSTRING, 0),
    c("blackhole", &AML, 0),
    c("cookie-algorithm", &COOKIEALG, 0),
    c("cookie-secret", &SSTRING, MULTI),
    c("coresize", &SIZE, DEPRECATED),
    c("datasize", &SIZE, DEPRECATED),
    c("deallocate-on-exit", &VOID, ANCIENT),
    c("directory", &QSTRING, CALLBACK),
    c("dnstap-output", &DNSTAPOUTPUT, 0),
    c("dnstap-identity", &SERVERID, 0),
    c("dnstap-version", &QSTRING_OR_NONE, 0),
    c("dscp", &UINT32, OBSOLETE),
    c("dump-file", &QSTRING, 0),
    c("fake-iquery", &VOID, ANCIENT),
    c("files", &SIZE, DEPRECATED),
    c("flush-zones-on-shutdown", &BOOLEAN, 0),
    c("fstrm-set-buffer-hint", &UINT32, 0),
    c("fstrm-set-flush-timeout", &UINT32, 0),
    c("fstrm-set-input-queue-size", &UINT32, 0),
    c("fstrm-set-output-notify-threshold", &UINT32, 0),
    c("fstrm-set-output-queue-model", &FSTRM_MODEL, 0),
    c("fstrm-set-output-queue-size", &UINT32, 0),
    c("fstrm-set-reopen-interval", &DURATION, 0),
    c("geoip-directory", &QSTRING_OR_NONE, 0),
    c("geoip-use-ecs", &VOID, ANCIENT),
    c("has-old-clients", &VOID, ANCIENT),
    c("heartbeat-interval", &UINT32, DEPRECATED),
    c("host-statistics", &VOID, ANCIENT),
    c("host-statistics-max", &VOID, ANCIENT),
    c("hostname", &QSTRING_OR_NONE, 0),
    c("interface-interval", &DURATION, 0),
    c("keep-response-order", &AML, 0),
    c("listen-on", &LISTENON, MULTI),
    c("listen-on-v6", &LISTENON, MULTI),
    c("lock-file", &QSTRING_OR_NONE, 0),
    c("managed-keys-directory", &QSTRING, 0),
    c("match-mapped-addresses", &BOOLEAN, 0),
    c("max-rsa-exponent-size", &UINT32, 0),
    c("memstatistics", &BOOLEAN, 0),
    c("memstatistics-file", &QSTRING, 0),
    c("multiple-cnames", &VOID, ANCIENT),
    c("named-xfer", &VOID, ANCIENT),
    c("notify-rate", &UINT32, 0),
    c("pid-file", &QSTRING_OR_NONE, 0),
    c("port", &UINT32, 0),
    c("tls-port", &UINT32, 0),
    c("http-port", &UINT32, 0),
    c("http-listener-clients", &UINT32, 0),
    c("http-streams-per-connection", &UINT32, 0),
    c("https-port", &UINT32, 0),
    c("querylog", &BOOLEAN, 0),
    c("random-device", &QSTRING_OR_NONE, OBSOLETE),
    c("recursing-file", &QSTRING, 0),
    c("recursive-clients", &UINT32, 0),
    c("reuseport", &BOOLEAN, 0),
    c("reserved-sockets", &UINT32, DEPRECATED),
    c("secroots-file", &QSTRING, 0),
    c("serial-queries", &VOID, ANCIENT),
    c("serial-query-rate", &UINT32, 0),
    c("server-id", &SERVERID, 0),
    c("session-keyalg", &ASTRING, 0),
    c("session-keyfile", &QSTRING_OR_NONE, 0),
    c("session-keyname", &ASTRING, 0),
    c("sit-secret", &VOID, ANCIENT),
    c("stacksize", &SIZE, DEPRECATED),
    c("startup-notify-rate", &UINT32, 0),
    c("statistics-file", &QSTRING, 0),
    c("statistics-interval", &VOID, ANCIENT),
    c("tcp-advertised-timeout", &UINT32, 0),
    c("tcp-clients", &UINT32, 0),
    c("tcp-idle-timeout", &UINT32, 0),
    c("tcp-initial-timeout", &UINT32, 0),
    c("tcp-keepalive-timeout", &UINT32, 0),
    c("tcp-listen-queue", &UINT32, 0),
    c("tcp-receive-buffer", &UINT32, 0),
    c("tcp-send-buffer", &UINT32, 0),
    c("tkey-dhkey", &TKEY_DHKEY, DEPRECATED),
    c("tkey-domain", &QSTRING, DEPRECATED),
    c("tkey-gssapi-credential", &QSTRING, DEPRECATED),
    c("tkey-gssapi-keytab", &QSTRING, 0),
    c("transfer-message-size", &UINT32, 0),
    c("transfers-in", &UINT32, 0),
    c("transfers-out", &UINT32, 0),
    c("transfers-per-ns", &UINT32, 0),
    c("treat-cr-as-space", &VOID, ANCIENT),
    c("udp-receive-buffer", &UINT32, 0),
    c("udp-send-buffer", &UINT32, 0),
    c("update-quota", &UINT32, 0),
    c("use-id-pool", &VOID, ANCIENT),
    c("use-ixfr", &VOID, ANCIENT),
    c("use-v4-udp-ports", &PORTLIST, DEPRECATED),
    c("use-v6-udp-ports", &PORTLIST, DEPRECATED),
    c("version", &QSTRING_OR_NONE, 0),
];

/// Clauses of `view` and `options` (defaults for views).
pub(crate) static VIEW_CLAUSES: &[Clause] = &[
    c("acache-cleaning-interval", &VOID, ANCIENT),
    c("acache-enable", &VOID, ANCIENT),
    c("additional-from-auth", &VOID, ANCIENT),
    c("additional-from-cache", &VOID, ANCIENT),
    c("allow-new-zones", &BOOLEAN, 0),
    c("allow-query-cache", &AML, 0),
    c("allow-query-cache-on", &AML, 0),
    c("allow-recursion", &AML, 0),
    c("allow-recursion-on", &AML, 0),
    c("allow-v6-synthesis", &VOID, ANCIENT),
    c("attach-cache", &ASTRING, 0),
    c("auth-nxdomain", &BOOLEAN, 0),
    c("cache-file", &QSTRING, ANCIENT),
    c("catalog-zones", &CATZ, 0),
    c("check-names", &CHECKNAMES, MULTI),
    c("cleaning-interval", &VOID, ANCIENT),
    c("clients-per-query", &UINT32, 0),
    c("deny-answer-addresses", &DENYADDRESSES, 0),
    c("deny-answer-aliases", &DENYALIASES, 0),
    c("disable-algorithms", &DISABLEALGORITHM, MULTI),
    c("disable-ds-digests", &DISABLEDSDIGEST, MULTI),
    c("disable-empty-zone", &ASTRING, MULTI),
    c("dns64", &DNS64, MULTI),
    c("dns64-contact", &ASTRING, 0),
    c("dns64-server", &ASTRING, 0),
    c("dnsrps-enable", &BOOLEAN, NOTCONFIGURED),
    c("dnsrps-options", &BTEXT, NOTCONFIGURED),
    c("dnssec-accept-expired", &BOOLEAN, 0),
    c("dnssec-enable", &VOID, ANCIENT),
    c("dnssec-lookaside", &VOID, MULTI | ANCIENT),
    c("dnssec-must-be-secure", &MUSTBESECURE, MULTI | DEPRECATED),
    c("dnssec-validation", &BOOL_OR_AUTO, 0),
    c("dnstap", &DNSTAP, 0),
    c("dual-stack-servers", &NAMEPORTIPLIST, 0),
    c("edns-udp-size", &UINT32, 0),
    c("empty-contact", &ASTRING, 0),
    c("empty-server", &ASTRING, 0),
    c("empty-zones-enable", &BOOLEAN, 0),
    c("fetch-glue", &VOID, ANCIENT),
    c("fetch-quota-params", &FETCHQUOTA, 0),
    c("fetches-per-server", &FETCHESPER, 0),
    c("fetches-per-zone", &FETCHESPER, 0),
    c("filter-aaaa", &AML, ANCIENT),
    c("filter-aaaa-on-v4", &BOOLEAN, ANCIENT),
    c("filter-aaaa-on-v6", &BOOLEAN, ANCIENT),
    c("glue-cache", &BOOLEAN, DEPRECATED),
    c("ipv4only-enable", &BOOLEAN, 0),
    c("ipv4only-contact", &ASTRING, 0),
    c("ipv4only-server", &ASTRING, 0),
    c("ixfr-from-differences", &IXFRDIFFTYPE, 0),
    c("lame-ttl", &DURATION, 0),
    c("lmdb-mapsize", &SIZEVAL, 0),
    c("max-acache-size", &VOID, ANCIENT),
    c("max-cache-size", &SIZE_OR_PERCENT, 0),
    c("max-cache-ttl", &DURATION, 0),
    c("max-clients-per-query", &UINT32, 0),
    c("max-ncache-ttl", &DURATION, 0),
    c("max-recursion-depth", &UINT32, 0),
    c("max-recursion-queries", &UINT32, 0),
    c("max-query-count", &UINT32, 0),
    c("max-query-restarts", &UINT32, 0),
    c("max-stale-ttl", &DURATION, 0),
    c("max-udp-size", &UINT32, 0),
    c("message-compression", &BOOLEAN, 0),
    c("min-cache-ttl", &DURATION, 0),
    c("min-ncache-ttl", &DURATION, 0),
    c("min-roots", &VOID, ANCIENT),
    c("minimal-any", &BOOLEAN, 0),
    c("minimal-responses", &MINIMAL, 0),
    c("new-zones-directory", &QSTRING, 0),
    c("no-case-compress", &AML, 0),
    c("nocookie-udp-size", &UINT32, 0),
    c("nosit-udp-size", &VOID, ANCIENT),
    c("nta-lifetime", &DURATION, 0),
    c("nta-recheck", &DURATION, 0),
    c("nxdomain-redirect", &ASTRING, 0),
    c("preferred-glue", &ASTRING, 0),
    c("prefetch", &PREFETCH, 0),
    c("provide-ixfr", &BOOLEAN, 0),
    c("qname-minimization", &QMINMETHOD, 0),
    c("query-source", &QUERYSOURCE4, 0),
    c("query-source-v6", &QUERYSOURCE6, 0),
    c("queryport-pool-ports", &VOID, ANCIENT),
    c("queryport-pool-updateinterval", &VOID, ANCIENT),
    c("rate-limit", &RRL, 0),
    c("recursion", &BOOLEAN, 0),
    c("request-nsid", &BOOLEAN, 0),
    c("request-sit", &VOID, ANCIENT),
    c("require-server-cookie", &BOOLEAN, 0),
    c("resolver-nonbackoff-tries", &UINT32, DEPRECATED),
    c("resolver-query-timeout", &UINT32, 0),
    c("resolver-retry-interval", &UINT32, DEPRECATED),
    c("response-padding", &RESPPADDING, 0),
    c("response-policy", &RPZ, 0),
    c("rfc2308-type1", &VOID, ANCIENT),
    c("root-delegation-only", &EXCLUDE, DEPRECATED),
    c("root-key-sentinel", &BOOLEAN, 0),
    c("rrset-order", &RRSETORDER, 0),
    c("send-cookie", &BOOLEAN, 0),
    c("servfail-ttl", &DURATION, 0),
    c("sortlist", &AML, 0),
    c("stale-answer-enable", &BOOLEAN, 0),
    c("stale-answer-client-timeout", &STALEANSWERCLIENTTIMEOUT, 0),
    c("stale-answer-ttl", &DURATION, 0),
    c("stale-cache-enable", &BOOLEAN, 0),
    c("stale-refresh-time", &DURATION, 0),
    c("suppress-initial-notify", &BOOLEAN, OBSOLETE),
    c("synth-from-dnssec", &BOOLEAN, 0),
    c("topology", &VOID, ANCIENT),
    c("transfer-format", &TRANSFERFORMAT, 0),
    c("trust-anchor-telemetry", &BOOLEAN, 0),
    c("use-queryport-pool", &VOID, ANCIENT),
    c("validate-except", &NAMELIST, 0),
    c("v6-bias", &UINT32, 0),
    c("zero-no-soa-ttl-cache", &BOOLEAN, 0),
];

static VIEW_ONLY_CLAUSES: &[Clause] = &[
    c("match-clients", &AML, 0),
    c("match-destinations", &AML, 0),
    c("match-recursive-only", &BOOLEAN, 0),
];

const PSMR: u32 = Z_PRIMARY | Z_SECONDARY | Z_MIRROR;
const ALLQ: u32 = Z_PRIMARY | Z_SECONDARY | Z_MIRROR | Z_STUB | Z_REDIRECT | Z_STATICSTUB;
const FWD: u32 = Z_PRIMARY | Z_SECONDARY | Z_STUB | Z_STATICSTUB | Z_FORWARD;
const XFRIN: u32 = Z_SECONDARY | Z_MIRROR | Z_STUB;
const PS: u32 = Z_PRIMARY | Z_SECONDARY;

/// Zone options that `options` and `view` may set as defaults.
pub(crate) static ZONE_CLAUSES: &[Clause] = &[
    z("allow-notify", &AML, 0, Z_SECONDARY | Z_MIRROR),
    z("allow-query", &AML, 0, ALLQ),
    z("allow-query-on", &AML, 0, ALLQ),
    z("allow-transfer", &TRANSPORT_ACL, 0, PSMR),
    z("allow-update", &AML, 0, Z_PRIMARY),
    z("allow-update-forwarding", &AML, 0, Z_SECONDARY | Z_MIRROR),
    z("also-notify", &NAMESOCKADDRKEYLIST, 0, PSMR),
    z("alt-transfer-source", &SOCKADDR4WILD, DEPRECATED, PSMR),
    z("alt-transfer-source-v6", &SOCKADDR6WILD, DEPRECATED, PSMR),
    z("auto-dnssec", &AUTODNSSEC, DEPRECATED, PS),
    z("check-dup-records", &CHECKMODE, 0, Z_PRIMARY),
    z("check-integrity", &BOOLEAN, 0, Z_PRIMARY),
    z("check-mx", &CHECKMODE, 0, Z_PRIMARY),
    z("check-mx-cname", &CHECKMODE, 0, Z_PRIMARY),
    z("check-sibling", &BOOLEAN, 0, Z_PRIMARY),
    z("check-spf", &WARN, 0, Z_PRIMARY),
    z("check-srv-cname", &CHECKMODE, 0, Z_PRIMARY),
    z("check-wildcard", &BOOLEAN, 0, Z_PRIMARY),
    z(
        "dialup",
        &DIALUPTYPE,
        DEPRECATED,
        Z_PRIMARY | Z_SECONDARY | Z_STUB,
    ),
    z("dnssec-dnskey-kskonly", &BOOLEAN, 0, PS),
    z("dnssec-loadkeys-interval", &UINT32, 0, PS),
    z("dnssec-policy", &ASTRING, 0, PS),
    z("dnssec-secure-to-insecure", &BOOLEAN, 0, Z_PRIMARY),
    z("dnssec-update-mode", &DNSSECUPDATEMODE, 0, PS),
    z("forward", &FORWARDTYPE, 0, FWD),
    z("forwarders", &PORTIPLIST, 0, FWD),
    z("key-directory", &QSTRING, 0, PS),
    z("maintain-ixfr-base", &VOID, ANCIENT, 0),
    z(
        "masterfile-format",
        &MASTERFORMAT,
        0,
        PSMR | Z_STUB | Z_REDIRECT,
    ),
    z(
        "masterfile-style",
        &MASTERSTYLE,
        0,
        PSMR | Z_STUB | Z_REDIRECT,
    ),
    z("max-ixfr-log-size", &VOID, ANCIENT, 0),
    z("max-ixfr-ratio", &IXFRRATIO, 0, PSMR),
    z("max-journal-size", &SIZE, 0, PSMR),
    z("max-records", &UINT32, 0, ALLQ),
    z("max-records-per-type", &UINT32, 0, ALLQ),
    z("max-types-per-name", &UINT32, 0, ALLQ),
    z("max-refresh-time", &UINT32, 0, XFRIN),
    z("max-retry-time", &UINT32, 0, XFRIN),
    z("max-transfer-idle-in", &UINT32, 0, XFRIN),
    z("max-transfer-idle-out", &UINT32, 0, PSMR),
    z("max-transfer-time-in", &UINT32, 0, XFRIN),
    z("max-transfer-time-out", &UINT32, 0, PSMR),
    z("max-zone-ttl", &MAXDURATION, 0, Z_PRIMARY | Z_REDIRECT),
    z("min-refresh-time", &UINT32, 0, XFRIN),
    z("min-retry-time", &UINT32, 0, XFRIN),
    z("multi-master", &BOOLEAN, 0, XFRIN),
    z("notify", &NOTIFYTYPE, 0, PSMR),
    z("notify-delay", &UINT32, 0, PSMR),
    z("notify-source", &SOCKADDR4WILD, 0, PSMR),
    z("notify-source-v6", &SOCKADDR6WILD, 0, PSMR),
    z("notify-to-soa", &BOOLEAN, 0, PS),
    z("nsec3-test-zone", &BOOLEAN, TESTONLY, PS),
    z("parental-source", &SOCKADDR4WILD, 0, PS),
    z("parental-source-v6", &SOCKADDR6WILD, 0, PS),
    z("request-expire", &BOOLEAN, 0, Z_SECONDARY | Z_MIRROR),
    z("request-ixfr", &BOOLEAN, 0, Z_SECONDARY | Z_MIRROR),
    z("serial-update-method", &UPDATEMETHOD, 0, Z_PRIMARY),
    z("sig-signing-nodes", &UINT32, 0, PS),
    z("sig-signing-signatures", &UINT32, 0, PS),
    z("sig-signing-type", &UINT32, 0, PS),
    z("sig-validity-interval", &VALIDITYINTERVAL, 0, PS),
    z("dnskey-sig-validity", &UINT32, 0, PS),
    z("transfer-source", &SOCKADDR4WILD, 0, XFRIN),
    z("transfer-source-v6", &SOCKADDR6WILD, 0, XFRIN),
    z("try-tcp-refresh", &BOOLEAN, 0, Z_SECONDARY | Z_MIRROR),
    z("update-check-ksk", &BOOLEAN, 0, PS),
    z("use-alt-transfer-source", &BOOLEAN, DEPRECATED, XFRIN),
    z("zero-no-soa-ttl", &BOOLEAN, 0, PSMR),
    z("zone-statistics", &ZONESTAT, 0, ALLQ),
];

/// Options valid only inside `zone`.
pub(crate) static ZONE_ONLY_CLAUSES: &[Clause] = &[
    z(
        "type",
        &ZONETYPE,
        0,
        ALLQ | Z_DELEGATION | Z_HINT | Z_FORWARD,
    ),
    z("check-names", &CHECKMODE, 0, PSMR | Z_HINT | Z_STUB),
    z("database", &ASTRING, 0, PSMR | Z_STUB),
    z(
        "delegation-only",
        &BOOLEAN,
        DEPRECATED,
        Z_HINT | Z_STUB | Z_FORWARD,
    ),
    z("dlz", &ASTRING, 0, Z_PRIMARY | Z_SECONDARY | Z_REDIRECT),
    z("file", &QSTRING, 0, PSMR | Z_STUB | Z_HINT | Z_REDIRECT),
    z("in-view", &ASTRING, 0, Z_INVIEW),
    z("inline-signing", &BOOLEAN, 0, PS),
    z("ixfr-base", &VOID, ANCIENT, 0),
    z("ixfr-from-differences", &BOOLEAN, 0, PSMR),
    z("ixfr-tmp-file", &VOID, ANCIENT, 0),
    z("journal", &QSTRING, 0, PSMR),
    z("masters", &NAMESOCKADDRKEYLIST, 0, XFRIN | Z_REDIRECT),
    z("parental-agents", &NAMESOCKADDRKEYLIST, 0, PS),
    z("primaries", &NAMESOCKADDRKEYLIST, 0, XFRIN | Z_REDIRECT),
    z("pubkey", &VOID, ANCIENT, 0),
    z("server-addresses", &NETADDR_LIST, 0, Z_STATICSTUB),
    z("server-names", &NAMELIST, 0, Z_STATICSTUB),
    z("update-policy", &UPDATEPOLICY, 0, Z_PRIMARY),
];

/// The whole named.conf file.
pub(crate) static NAMEDCONF: Ty = Ty::MapBody(&[NAMEDCONF_CLAUSES, NAMEDCONF_OR_VIEW_CLAUSES]);
/// `options { ... }`.
pub(crate) static OPTIONS: Ty = Ty::Map(&[OPTIONS_CLAUSES, VIEW_CLAUSES, ZONE_CLAUSES]);
/// `view NAME { ... }` body.
pub(crate) static VIEWOPTS: Ty = Ty::Map(&[
    VIEW_ONLY_CLAUSES,
    NAMEDCONF_OR_VIEW_CLAUSES,
    VIEW_CLAUSES,
    ZONE_CLAUSES,
]);
/// `zone NAME { ... }` body.
pub(crate) static ZONEOPTS: Ty = Ty::Map(&[ZONE_ONLY_CLAUSES, ZONE_CLAUSES]);

// ---------------------------------------------------------------------------------------------
// rndc.conf and rndc.key

static RNDC_OPTIONS: Ty = Ty::Map(&[&[
    c("default-key", &ASTRING, 0),
    c("default-port", &UINT32, 0),
    c("default-server", &ASTRING, 0),
    c("default-source-address", &NETADDR4WILD, 0),
    c("default-source-address-v6", &NETADDR6WILD, 0),
]]);
static RNDC_SERVER: Ty = Ty::NamedMap(&[&[
    c("key", &ASTRING, 0),
    c("port", &UINT32, 0),
    c("source-address", &NETADDR4WILD, 0),
    c("source-address-v6", &NETADDR6WILD, 0),
    c("addresses", &SOCKADDRNAMEPORT_LIST, 0),
]]);
/// rndc.conf.
pub(crate) static RNDCCONF: Ty = Ty::MapBody(&[&[
    c("key", &KEY, MULTI),
    c("server", &RNDC_SERVER, MULTI),
    c("options", &RNDC_OPTIONS, 0),
]]);
/// rndc.key (one key).
pub(crate) static RNDCKEY: Ty = Ty::MapBody(&[&[c("key", &KEY, 0)]]);

/// Finds a clause by name (ignoring case) in clause sets, as BIND does: the first set that has
/// it wins.
pub(crate) fn find_clause(sets: &[&'static [Clause]], name: &str) -> Option<&'static Clause> {
    sets.iter()
        .flat_map(|set| set.iter())
        .find(|clause| clause.name.eq_ignore_ascii_case(name))
}

/// Whether a zone option is valid for a zone type (`Z_*`).
pub(crate) fn valid_for_zone(name: &str, ztype: u32) -> bool {
    ZONE_CLAUSES
        .iter()
        .chain(ZONE_ONLY_CLAUSES.iter())
        .any(|clause| clause.zones & ztype != 0 && clause.name == name)
}

/// Every clause name of the grammar, with the block it appears in, for the option table.
#[cfg(test)]
pub(crate) fn all_clauses() -> Vec<(&'static str, &'static Clause)> {
    let mut out = Vec::new();
    for clause in NAMEDCONF_CLAUSES
        .iter()
        .chain(NAMEDCONF_OR_VIEW_CLAUSES.iter())
    {
        out.push(("top level", clause));
    }
    for clause in OPTIONS_CLAUSES.iter() {
        out.push(("options", clause));
    }
    for clause in VIEW_CLAUSES.iter().chain(VIEW_ONLY_CLAUSES.iter()) {
        out.push(("view", clause));
    }
    for clause in ZONE_CLAUSES.iter().chain(ZONE_ONLY_CLAUSES.iter()) {
        out.push(("zone", clause));
    }
    out
}
