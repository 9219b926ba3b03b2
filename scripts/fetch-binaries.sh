#!/usr/bin/env bash
# Obtains real etcd (3.5.x) and containerd (1.7.x and 2.x) builds from Debian's newer suites, for
# the real-binaries test tier. apt runs with its own state directory, so nothing on the system
# changes; packages are unpacked with dpkg-deb into an ignored cache that later runs reuse.
#
#   bash scripts/fetch-binaries.sh          → prints the cache directory; exit 0
#   exit 3 with a reason on stderr          → binaries cannot be obtained on this machine
set -euo pipefail
cache="${KUBETRACING_BINARY_CACHE:-$(cd "$(dirname "$0")/.." && pwd)/.cache/binaries}"
suites=(trixie sid)           # trixie: etcd 3.5.16, containerd 1.7.24; sid: etcd 3.5.30, containerd 2.1.x
packages=(etcd-server etcd-client containerd)

cannot() { echo "fetch-binaries: $*" >&2; exit 3; }

# The tests run what is in the cache as root: it must be ours alone, or anyone could plant a binary.
mkdir -p "$cache" 2>/dev/null || cannot "cannot create the cache directory $cache as $(id -un) (run as root, or set KUBETRACING_BINARY_CACHE to a directory you own)"
[ -O "$cache" ] && [ -w "$cache" ] || cannot "the cache directory $cache is not owned and writable by $(id -un); remove it or set KUBETRACING_BINARY_CACHE"
writable=$(find "$cache" -maxdepth 2 -perm -0002 -print -quit 2>/dev/null || true)
[ -z "$writable" ] || cannot "$writable is writable by every user, so the binaries in $cache cannot be trusted; remove $cache and run again"

# One download at a time: test files running in parallel all ask for the binaries.
if command -v flock >/dev/null; then exec 9>"$cache/.lock" && flock 9; fi

all_cached=true
for suite in "${suites[@]}"; do [ -f "$cache/$suite/versions" ] || all_cached=false; done
if $all_cached; then echo "$cache"; exit 0; fi

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || cannot "needs apt-get and dpkg-deb (a Debian-based machine)"
[ "$(id -u)" = 0 ] || cannot "needs root (apt downloads and containerd both run as root)"

# The mirror this machine already uses, rather than a host name written down here.
mirror=$( { awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true
            awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list 2>/dev/null || true
          } | head -n1)
[ -n "$mirror" ] || cannot "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || cannot "no $keyring to verify the suites with"

for suite in "${suites[@]}"; do
    dir="$cache/$suite"
    [ -f "$dir/versions" ] && continue
    rm -rf "$dir" && mkdir -p "$dir/apt/state/lists/partial" "$dir/apt/cache/archives/partial" "$dir/debs" "$dir/root"
    echo "deb [signed-by=$keyring] $mirror $suite main" > "$dir/apt/sources.list"
    apt_opts=(-q -o "Dir::State=$dir/apt/state" -o "Dir::Cache=$dir/apt/cache" -o "Dir::Etc::SourceList=$dir/apt/sources.list"
              -o Dir::Etc::SourceParts=/dev/null -o Dir::State::status=/var/lib/dpkg/status -o APT::Sandbox::User=root)
    apt-get "${apt_opts[@]}" update >"$dir/apt.log" 2>&1 || cannot "apt-get update of $suite failed (see $dir/apt.log)"
    (cd "$dir/debs" && apt-get "${apt_opts[@]}" download "${packages[@]}" >>"$dir/apt.log" 2>&1) || cannot "downloading ${packages[*]} from $suite failed (see $dir/apt.log)"
    for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
    {
        echo "etcd=$("$dir/root/usr/bin/etcd" --version | awk '/etcd Version/ {print $3}')"
        echo "containerd=$("$dir/root/usr/bin/containerd" --version | awk '{print $3}' | sed 's/^v//; s/[~+].*//')"
    } > "$dir/versions.tmp"
    rm -rf "$dir/apt" "$dir/debs"
    mv "$dir/versions.tmp" "$dir/versions"
done
echo "$cache"
