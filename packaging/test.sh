#!/usr/bin/env bash
# Builds the deb and the rpm, checks them against packaging/files.txt and
# against each other, lints them, then installs the deb, runs the installed
# rivetd as rivet.service would, and purges it. Run as root on a Debian-like
# system without Rivet installed (CI does: .ci/run).
#
# CARGO_TARGET_DIR says where the release binaries are built; with
# PACKAGING_NO_BUILD=1 the binaries already there are used as they are.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
pkgdir=$root/packaging
out=$root/target/packages
started=$(date +%s)

say() { printf '== %s\n' "$*"; }
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

[ "$(id -u)" -eq 0 ] || fail "run as root: the test installs and purges the deb"
if dpkg-query -W -f '${Status}' rivet 2>/dev/null | grep -q 'installed\|unpacked\|config-files'; then
    fail "a package named rivet is installed; remove it first (dpkg --purge rivet)"
fi
if command -v rpm >/dev/null 2>&1 && rpm -q rivet >/dev/null 2>&1; then
    fail "an rpm named rivet is installed; remove it first (rpm -e rivet)"
fi
[ ! -e /etc/rivet ] || fail "/etc/rivet exists; this test installs into it and purges it"
! getent passwd rivet >/dev/null || fail "a user rivet exists; the purge check would remove it"
! getent group rivet >/dev/null || fail "a group rivet exists; the purge check would remove it"

work=$(mktemp -d)
chmod 0755 "$work"
rivetd_pid=
installed=0
cleanup() {
    local status=$?
    if [ -n "$rivetd_pid" ] && kill -0 "$rivetd_pid" 2>/dev/null; then
        kill "$rivetd_pid" 2>/dev/null || true
        wait "$rivetd_pid" 2>/dev/null || true
    fi
    if [ "$installed" = 1 ] && dpkg-query -W rivet >/dev/null 2>&1; then
        echo "removing the package this test installed" >&2
        dpkg --purge rivet >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- tools -------------------------------------------------------------------

missing=()
for pair in rpmbuild:rpm rpm2cpio:rpm2cpio rpmlint:rpmlint mandoc:mandoc dig:bind9-dnsutils cpio:cpio \
    ss:iproute2; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- build ---------------------------------------------------------------------

build_seconds=0
if [ "${PACKAGING_NO_BUILD:-0}" != 1 ]; then
    say "release build"
    t=$(date +%s)
    (cd "$root" && cargo build --release -p named -p ctl --bins)
    build_seconds=$(($(date +%s) - t))
fi
say "building the packages"
rm -f "$out"/rivet_*.deb "$out"/rivet-*.rpm
deb=$(PACKAGING_NO_BUILD=1 "$pkgdir/build.sh" deb)
rpm=$(PACKAGING_NO_BUILD=1 "$pkgdir/build.sh" rpm)
echo "$deb"
echo "$rpm"

# --- contents --------------------------------------------------------------------

# "path mode owner group" for every file files.txt gives the package $1.
expected() {
    grep -v '^[[:space:]]*\(#\|$\)' "$pkgdir/files.txt" |
        awk -v fmt="$1" '$3 == "both" || $3 == fmt { print $1, $2, "root", "root" }' | sort
}
# Octal mode from ls-style permissions.
perm_awk='function oct(p,  i, d, c, v) {
    v = "0"
    for (i = 0; i < 3; i++) {
        d = 0
        if (substr(p, 2 + 3 * i, 1) == "r") d += 4
        if (substr(p, 3 + 3 * i, 1) == "w") d += 2
        c = substr(p, 4 + 3 * i, 1)
        if (c == "x" || c == "s" || c == "t") d += 1
        v = v d
    }
    return v
}'

say "deb contents against files.txt"
dpkg-deb -c "$deb" | tee "$work/deb.contents" | sed 's/^/  /'
awk "$perm_awk"'$1 !~ /^d/ { split($2, o, "/"); print substr($6, 2), oct($1), o[1], o[2] }' \
    "$work/deb.contents" | sort >"$work/deb.files"
expected deb >"$work/deb.expected"
diff -u "$work/deb.expected" "$work/deb.files" || fail "the deb's files differ from files.txt"

say "rpm contents against files.txt"
rpm -qlp "$rpm" | sed 's/^/  /'
rpm -qp --qf '[%{FILEMODES:octal} %{FILENAMES} %{FILEUSERNAME} %{FILEGROUPNAME}\n]' "$rpm" |
    awk '$1 !~ /^4/ { print $2, "0" substr($1, length($1) - 2), $3, $4 }' | sort >"$work/rpm.files"
expected rpm >"$work/rpm.expected"
diff -u "$work/rpm.expected" "$work/rpm.files" || fail "the rpm's files differ from files.txt"

say "the rpm holds the deb's files, byte for byte"
# The only differences allowed are where each distribution puts two files.
sed -e 's|^/etc/default/rivet |/etc/sysconfig/rivet |' \
    -e 's|^/lib/systemd/system/|/usr/lib/systemd/system/|' "$work/deb.files" | sort >"$work/deb.mapped"
diff -u "$work/deb.mapped" "$work/rpm.files" || fail "the rpm's file list differs from the deb's"
mkdir -p "$work/deb.root" "$work/rpm.root"
dpkg-deb -x "$deb" "$work/deb.root"
(cd "$work/rpm.root" && rpm2cpio "$rpm" | cpio -idm --quiet)
while read -r path _; do
    mapped=$(echo "$path" | sed -e 's|^/etc/default/rivet$|/etc/sysconfig/rivet|' \
        -e 's|^/lib/systemd/system/|/usr/lib/systemd/system/|')
    cmp -s "$work/deb.root$path" "$work/rpm.root$mapped" || fail "$path differs between the deb and the rpm"
done <"$work/deb.files"
cmp "$work/deb.root/lib/systemd/system/rivet.service" "$work/rpm.root/usr/lib/systemd/system/rivet.service"
dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles | sed 's|^/etc/default/rivet$|/etc/sysconfig/rivet|' |
    sort >"$work/deb.conffiles"
rpm -qpc "$rpm" | sort >"$work/rpm.config"
diff -u "$work/deb.conffiles" "$work/rpm.config" || fail "deb conffiles and rpm %config differ"
expected_config=$(grep -v '^[[:space:]]*\(#\|$\)' "$pkgdir/files.txt" |
    awk '$4 == "config" && $3 != "rpm" { print $1 }' | sed 's|^/etc/default/rivet$|/etc/sysconfig/rivet|' | sort)
[ "$expected_config" = "$(cat "$work/deb.conffiles")" ] || fail "conffiles are not files.txt's config files"
while read -r bin; do
    grep -q "^/usr/share/man/man8/$bin\.8\.gz " "$work/deb.files" || fail "$bin has no man page"
done < <(awk '$4 == "bin" { print $5 }' "$pkgdir/files.txt")

say "maintainer scripts: deb and rpm run the same bodies"
mkdir -p "$work/deb.ctrl" "$work/rpm.scripts"
dpkg-deb -e "$deb" "$work/deb.ctrl"
rpm -qp --scripts "$rpm" | awk -v dir="$work/rpm.scripts" '
    /^[a-z]+ scriptlet \(using / { file = dir "/" $1; next }
    file != "" { print > file }'
# A script's text without indentation, so that a body matches wherever it is nested.
flat() { sed -e 's/^[[:space:]]*//' "$1"; }
contains() {
    local hay needle
    hay=$(flat "$1")
    needle=$(flat "$2")
    [[ "$hay" == *"$needle"* ]]
}
for pair in postinst:postinstall:users.sh postinst:postinstall:setup.sh postinst:postinstall:units.sh \
    postinst:postuninstall:restart.sh prerm:preuninstall:stop.sh \
    postrm:postuninstall:purge.sh postrm:postuninstall:units.sh; do
    IFS=: read -r debscript rpmscript body <<<"$pair"
    contains "$work/deb.ctrl/$debscript" "$pkgdir/scripts/$body" || fail "deb $debscript lacks scripts/$body"
    contains "$work/rpm.scripts/$rpmscript" "$pkgdir/scripts/$body" || fail "rpm %$rpmscript lacks scripts/$body"
    echo "  scripts/$body: deb $debscript, rpm $rpmscript"
done
for script in "$work"/deb.ctrl/{postinst,prerm,postrm} "$work"/rpm.scripts/*; do
    sh -n "$script" || fail "$(basename "$script"): syntax error"
done

say "rpmlint"
rpmlint -c "$pkgdir/rpm/rpmlint.toml" "$rpm" || fail "rpmlint reports errors"

# --- install ---------------------------------------------------------------------

say "dpkg -i"
installed=1
dpkg -i "$deb"
dpkg-query -W -f '${Status}\n' rivet | grep -q 'install ok installed' || fail "rivet is not installed"

say "user, key and state directory"
getent passwd rivet || fail "no user rivet"
getent group rivet || fail "no group rivet"
[ "$(id -gn rivet)" = rivet ] || fail "rivet's group is not rivet"
key=$(stat -c '%U:%G %a' /etc/rivet/rndc.key) || fail "no /etc/rivet/rndc.key"
[ "$key" = "root:rivet 640" ] || fail "/etc/rivet/rndc.key is $key, not root:rivet 640"
state=$(stat -c '%U:%G' /var/lib/rivet) || fail "no /var/lib/rivet"
[ "$state" = "rivet:rivet" ] || fail "/var/lib/rivet belongs to $state, not rivet:rivet"
grep -q 'key "rndc-key"' /etc/rivet/rndc.key || fail "the key file names no rndc-key"
echo "  /etc/rivet/rndc.key $key, /var/lib/rivet $state"

say "an upgrade keeps the administrator's files"
key_sum=$(sha256sum /etc/rivet/rndc.key)
echo "// the administrator's edit" >>/etc/rivet/named.conf
dpkg -i --force-confold "$deb" >/dev/null
[ "$(sha256sum /etc/rivet/rndc.key)" = "$key_sum" ] || fail "reinstalling replaced /etc/rivet/rndc.key"
grep -q "the administrator's edit" /etc/rivet/named.conf || fail "reinstalling replaced the edited named.conf"
[ "$(stat -c '%U:%G %a' /etc/rivet/rndc.key)" = "root:rivet 640" ] || fail "reinstalling changed the key's owner"
echo "  rndc.key and the edited named.conf kept"

say "mandoc -Tlint on the installed pages"
pages=$(grep -v '^[[:space:]]*\(#\|$\)' "$pkgdir/files.txt" | awk '$4 == "man" { print $1 }')
# Errors fail the test; style remarks and warnings are shown and counted.
mandoc_errors=0
for page in $pages; do
    [ -f "$page" ] || fail "$page is not installed"
    if ! mandoc -Tlint -W error "$page"; then
        mandoc_errors=$((mandoc_errors + 1))
    fi
    echo "  $page: $(mandoc -Tlint -W warning "$page" 2>&1 | wc -l) warnings, $(mandoc -Tlint -W style "$page" 2>&1 | wc -l) remarks in all"
done
[ "$mandoc_errors" -eq 0 ] || fail "mandoc found errors in $mandoc_errors pages"

say "the installed configuration"
/usr/sbin/rivet-checkconf -z /etc/rivet/named.conf || fail "rivet-checkconf -z rejects the installed named.conf"
if command -v named-checkconf >/dev/null 2>&1; then
    named-checkconf -z /etc/rivet/named.conf || fail "named-checkconf -z rejects the installed named.conf"
fi

say "systemd-analyze verify"
if command -v systemd-analyze >/dev/null 2>&1; then
    # It reports some mistakes (unknown keys, bad values) only as messages. Without man(1)
    # it cannot look up the Documentation= pages; mandoc has checked them above.
    man=yes
    command -v man >/dev/null 2>&1 || man=no
    verify=$(systemd-analyze verify --man="$man" /lib/systemd/system/rivet.service 2>&1) ||
        fail "systemd-analyze verify rivet.service: $verify"
    [ -z "$verify" ] || fail "systemd-analyze verify rivet.service: $verify"
    echo "  rivet.service verified"
else
    echo "  SKIPPED: systemd-analyze is not installed here (it comes with systemd)"
fi

say "rivetd runs as the unit runs it"
# The unit runs `rivetd -f $OPTIONS` as root; OPTIONS comes from /etc/default/rivet.
# shellcheck disable=SC1091
. /etc/default/rivet
[ "$OPTIONS" = "-u rivet" ] || fail "/etc/default/rivet sets OPTIONS=\"$OPTIONS\""
# The unit's CapabilityBoundingSet and NoNewPrivileges, applied with setpriv: rivetd must
# start and become rivet with no more than those.
caps=$(sed -n 's/^CapabilityBoundingSet=//p' /lib/systemd/system/rivet.service)
[ -n "$caps" ] || fail "rivet.service sets no CapabilityBoundingSet"
bounding=-all
for cap in $caps; do
    cap=${cap#CAP_}
    bounding="$bounding,+${cap,,}"
done
echo "  capability bounding set: $bounding"
port_free() { ! ss -Hltun "sport = :$1" 2>/dev/null | grep -q .; }
answer=
for attempt in 1 2 3 4 5; do
    dns_port=$((20000 + RANDOM % 10000))
    ctl_port=$((20000 + RANDOM % 10000))
    if [ "$dns_port" = "$ctl_port" ] || ! port_free "$dns_port" || ! port_free "$ctl_port"; then
        continue
    fi
    # A copy of the installed configuration, on loopback ports of its own.
    sed -e "s|port 953|port $ctl_port|" \
        -e "s|pid-file \"/run/rivet/rivetd.pid\"|pid-file \"$work/rivetd.pid\"|" \
        -e "s|^options {|options {\n\tlisten-on { 127.0.0.1; };\n\tlisten-on-v6 { none; };|" \
        /etc/rivet/named.conf >"$work/named.conf"
    grep -q "port $ctl_port" "$work/named.conf" || fail "no controls port to change in named.conf"
    chmod 0644 "$work/named.conf"
    # shellcheck disable=SC2086
    setpriv --bounding-set "$bounding" --no-new-privs \
        /usr/sbin/rivetd -f $OPTIONS -p "$dns_port" -c "$work/named.conf" &
    rivetd_pid=$!
    for _ in $(seq 50); do
        answer=$(dig @127.0.0.1 -p "$dns_port" localhost A +short +time=1 +tries=1 2>/dev/null || true)
        [ -n "$answer" ] && break
        kill -0 "$rivetd_pid" 2>/dev/null || break
        sleep 0.2
    done
    [ -n "$answer" ] && break
    echo "  attempt $attempt: no answer on port $dns_port; trying other ports" >&2
    kill "$rivetd_pid" 2>/dev/null || true
    wait "$rivetd_pid" 2>/dev/null || true
    rivetd_pid=
done
[ "$answer" = 127.0.0.1 ] || fail "dig localhost A answered '$answer', not 127.0.0.1"
echo "  dig @127.0.0.1 -p $dns_port localhost A: $answer"
user=$(ps -o user= -p "$rivetd_pid" | tr -d ' ')
[ "$user" = rivet ] || fail "rivetd runs as '$user', not rivet"
echo "  rivetd runs as $user"
status=$(/usr/sbin/rivetctl -s 127.0.0.1 -p "$ctl_port" -k /etc/rivet/rndc.key status) ||
    fail "rivetctl status failed"
printf '%s\n' "$status" | sed 's/^/  /'
echo "$status" | grep -q 'server is up and running' || fail "rivetctl status does not say the server is up"
kill "$rivetd_pid"
wait "$rivetd_pid" 2>/dev/null || true
rivetd_pid=

# --- purge ---------------------------------------------------------------------------

say "dpkg --remove keeps the key, the state and the user"
dpkg --remove rivet
[ ! -e /usr/sbin/rivetd ] || fail "/usr/sbin/rivetd is left after dpkg --remove"
[ -e /etc/rivet/rndc.key ] || fail "dpkg --remove deleted /etc/rivet/rndc.key"
[ -d /var/lib/rivet ] || fail "dpkg --remove deleted /var/lib/rivet"
getent passwd rivet >/dev/null || fail "dpkg --remove deleted the user rivet"
echo "  kept"

say "dpkg --purge"
dpkg --purge rivet
installed=0
left=()
while read -r path _; do
    [ ! -e "$path" ] || left+=("$path")
done <"$work/deb.files"
for path in /etc/rivet /var/lib/rivet; do
    [ ! -e "$path" ] || left+=("$path")
done
[ ${#left[@]} -eq 0 ] || fail "left after the purge: ${left[*]}"
! getent passwd rivet >/dev/null || fail "user rivet is left after the purge"
! getent group rivet >/dev/null || fail "group rivet is left after the purge"
echo "  nothing left"

say "the user without systemd-sysusers: useradd, else adduser"
# The same body as the packages', with the tools before the fallback hidden.
for hide in 'systemd-sysusers' 'systemd-sysusers useradd'; do
    script=$work/users-without.sh
    cp "$pkgdir/scripts/users.sh" "$script"
    for tool in $hide; do
        sed -i "s/command -v $tool >\/dev\/null 2>&1/false/" "$script"
    done
    grep -q "^[[:space:]]*if false\|elif false" "$script" || fail "cannot hide $hide in scripts/users.sh"
    sh -e "$script" >/dev/null 2>&1 || fail "scripts/users.sh without $hide failed"
    [ "$(id -gn rivet 2>/dev/null)" = rivet ] || fail "scripts/users.sh without $hide made no user rivet in group rivet"
    sh -e "$pkgdir/scripts/purge.sh" || fail "scripts/purge.sh failed"
    ! getent passwd rivet >/dev/null || fail "scripts/purge.sh left the user rivet (made without $hide)"
    ! getent group rivet >/dev/null || fail "scripts/purge.sh left the group rivet (made without $hide)"
    echo "  without $hide: made and removed"
done

took=$(($(date +%s) - started - build_seconds))
say "packaging tests passed in ${took}s (release build: ${build_seconds}s)"
