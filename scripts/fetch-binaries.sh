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
# shellcheck source=lib/cache.sh
. "$(dirname "$0")/lib/cache.sh"

reason=$(trusted_cache "$cache" KUBETRACING_BINARY_CACHE 2>&1) || cannot "$reason"

# One download at a time: test files running in parallel all ask for the binaries.
if command -v flock >/dev/null; then exec 9>"$cache/.lock" && flock 9; fi

all_cached=true
for suite in "${suites[@]}"; do [ -f "$cache/$suite/versions" ] || all_cached=false; done
if $all_cached; then echo "$cache"; exit 0; fi

[ "$(id -u)" = 0 ] || cannot "needs root (apt downloads and containerd both run as root)"
for suite in "${suites[@]}"; do
    dir="$cache/$suite"
    [ -f "$dir/versions" ] && continue
    reason=$(debian_unpack "$suite" "$dir" "${packages[@]}" 2>&1) || cannot "$reason"
    {
        echo "etcd=$("$dir/root/usr/bin/etcd" --version | awk '/etcd Version/ {print $3}')"
        echo "containerd=$("$dir/root/usr/bin/containerd" --version | awk '{print $3}' | sed 's/^v//; s/[~+].*//')"
    } > "$dir/versions.tmp"
    mv "$dir/versions.tmp" "$dir/versions"
done
echo "$cache"
