#!/usr/bin/env bash
# Builds Rivet's Debian or RPM package into target/packages/.
#
#   packaging/build.sh deb|rpm
#
# The release binaries come from `cargo build --release -p named -p ctl --bins`
# in $CARGO_TARGET_DIR (default: target/). With PACKAGING_NO_BUILD=1 the
# binaries already there are packaged as they are (no cargo run).
#
# Both packages are built from the same sources: packaging/files.txt lists
# every file, packaging/scripts/*.sh hold the maintainer script bodies that
# packaging/deb/{postinst,prerm,postrm} and packaging/rpm/rivet.spec.in
# include with `#include NAME`.
set -euo pipefail

usage() {
    echo "usage: $0 deb|rpm" >&2
    exit 2
}
[ $# -eq 1 ] || usage
format=$1
case "$format" in deb | rpm) ;; *) usage ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
pkgdir=$root/packaging
target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in /*) ;; *) target=$root/$target ;; esac
out=$root/target/packages

need() {
    command -v "$1" >/dev/null 2>&1 || {
        echo "$0: $1 is needed (apt-get install $2)" >&2
        exit 1
    }
}
need gzip gzip
case "$format" in
deb) need dpkg-deb dpkg ;;
rpm) need rpmbuild rpm ;;
esac

version=$(sed -n '/^\[workspace.package\]/,/^\[/ s/^version *= *"\(.*\)"/\1/p' "$root/Cargo.toml")
[ -n "$version" ] || {
    echo "$0: no version in Cargo.toml's [workspace.package]" >&2
    exit 1
}

if [ "${PACKAGING_NO_BUILD:-0}" != 1 ]; then
    (cd "$root" && cargo build --release -p named -p ctl --bins)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/stage
mkdir -p "$stage" "$out"

# One line of files.txt: path mode package kind source.
entries() {
    grep -v '^[[:space:]]*\(#\|$\)' "$pkgdir/files.txt" |
        while read -r path mode package kind source; do
            if [ "$package" = both ] || [ "$package" = "$format" ]; then
                printf '%s %s %s %s\n' "$path" "$mode" "$kind" "$source"
            fi
        done
}

while read -r path mode kind source; do
    dest=$stage$path
    mkdir -p "$(dirname "$dest")"
    case "$kind" in
    bin)
        bin=$target/release/$source
        [ -x "$bin" ] || {
            echo "$0: $bin is missing: build with cargo build --release -p named -p ctl --bins" >&2
            exit 1
        }
        # The symbols stay in the build tree; the package carries the program.
        if command -v strip >/dev/null 2>&1; then
            strip --strip-unneeded -o "$dest" "$bin"
        else
            cp "$bin" "$dest"
        fi
        ;;
    man) gzip -9n -c "$root/$source" >"$dest" ;;
    config | doc | file) cp "$root/$source" "$dest" ;;
    *)
        echo "$0: files.txt: unknown kind '$kind' for $path" >&2
        exit 1
        ;;
    esac
    chmod "$mode" "$dest"
done < <(entries)

# Replaces each `#include NAME` line with packaging/scripts/NAME, indented as the line is.
assemble() {
    awk -v dir="$pkgdir/scripts" '
        match($0, /^[ \t]*#include [^ \t]+$/) {
            indent = $0; sub(/#include.*/, "", indent)
            name = $0; sub(/^[ \t]*#include /, "", name)
            file = dir "/" name
            while ((getline line < file) > 0) print (line == "" ? "" : indent line)
            close(file)
            next
        }
        { print }
    ' "$1"
}

build_deb() {
    local arch depends size deb
    arch=$(dpkg --print-architecture)
    depends=$(deb_depends)
    mkdir -p "$stage/DEBIAN"
    size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
    sed -e "s/@VERSION@/$version-1/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
        -e "s/@DEPENDS@/$depends/" "$pkgdir/deb/control" >"$stage/DEBIAN/control"
    entries | awk '$3 == "config" { print $1 }' >"$stage/DEBIAN/conffiles"
    for script in postinst prerm postrm; do
        assemble "$pkgdir/deb/$script" >"$stage/DEBIAN/$script"
        chmod 0755 "$stage/DEBIAN/$script"
    done
    (cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
        sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
    deb=$out/rivet_${version}-1_${arch}.deb
    dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
    echo "$deb"
}

# The shared libraries the binaries link, as Debian package dependencies.
deb_depends() {
    local fallback="libc6 (>= 2.34), libgcc-s1 (>= 4.2)"
    if ! command -v dpkg-shlibdeps >/dev/null 2>&1; then
        echo "$fallback"
        return
    fi
    local dir=$work/shlibdeps bins=() line
    mkdir -p "$dir/debian"
    printf 'Source: rivet\n\nPackage: rivet\nArchitecture: any\n' >"$dir/debian/control"
    while read -r path _ kind _; do
        [ "$kind" = bin ] && bins+=("$stage$path")
    done < <(entries)
    if line=$(cd "$dir" && dpkg-shlibdeps -O "${bins[@]}" 2>/dev/null) &&
        [ -n "${line#shlibs:Depends=}" ]; then
        echo "${line#shlibs:Depends=}"
    else
        echo "$fallback"
    fi
}

build_rpm() {
    local top=$work/rpmbuild spec files rpm
    mkdir -p "$top"
    spec=$work/rivet.spec
    files=$work/files
    {
        echo "%dir /etc/rivet"
        echo "%dir /usr/share/doc/rivet"
        while read -r path mode kind _; do
            case "$kind" in
            config) echo "%config(noreplace) %attr($mode,root,root) $path" ;;
            doc) echo "%doc %attr($mode,root,root) $path" ;;
            *) echo "%attr($mode,root,root) $path" ;;
            esac
        done < <(entries)
    } >"$files"
    assemble "$pkgdir/rpm/rivet.spec.in" |
        sed -e "s/@VERSION@/$version/g" -e "s|@STAGE@|$stage|" -e "s/@DATE@/$(LC_ALL=C date +'%a %b %d %Y')/" |
        awk -v files="$files" '/^@FILES@$/ { while ((getline l < files) > 0) print l; next } { print }' \
            >"$spec"
    rpmbuild -bb --quiet \
        --define "_topdir $top" \
        --define "_rpmdir $top/RPMS" \
        --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
        "$spec" >/dev/null
    rpm=$(find "$top/RPMS" -name 'rivet-*.rpm' | head -n 1)
    [ -n "$rpm" ] || {
        echo "$0: rpmbuild made no package" >&2
        exit 1
    }
    cp "$rpm" "$out/"
    echo "$out/$(basename "$rpm")"
}

"build_$format"
