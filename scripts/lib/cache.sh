# Sourced by the scripts that put upstream programs into the ignored .cache/ for the tests, which run
# them as root. apt runs with a private state directory, so the machine's own sources and installed
# packages never change; the .deb files are unpacked with dpkg-deb into a directory of the caller's.
#
#   trusted_cache DIR VARIABLE           → creates DIR; returns 3 with a reason unless only we can write there
#                                          (VARIABLE: the setting that moves DIR, named in the reason)
#   debian_unpack SUITE DIR PACKAGE...   → DIR/root holds the unpacked packages; returns 3 with a reason on stderr

# What the tests run as root from a cache must be ours alone, or anyone could plant a binary there.
trusted_cache() {
    local dir="$1" variable="$2" writable
    mkdir -p "$dir" 2>/dev/null || { echo "cannot create the cache directory $dir as $(id -un) (run as root, or set $variable to a directory you own)" >&2; return 3; }
    [ -O "$dir" ] && [ -w "$dir" ] || { echo "the cache directory $dir is not owned and writable by $(id -un); remove it or set $variable" >&2; return 3; }
    writable=$(find "$dir" -maxdepth 2 -perm -0002 ! -type l ! -perm -1000 -print -quit 2>/dev/null || true)
    [ -z "$writable" ] || { echo "$writable is writable by every user, so the binaries in $dir cannot be trusted; remove $dir and run again" >&2; return 3; }
}

# The mirror this machine already uses, rather than a host name written down here.
debian_mirror() {
    { awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true
      awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list 2>/dev/null || true
    } | head -n1
}

debian_unpack() {
    local suite="$1" dir="$2"
    shift 2
    command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || { echo "needs apt-get and dpkg-deb (a Debian-based machine)" >&2; return 3; }
    [ "$(id -u)" = 0 ] || { echo "needs root (apt downloads as root)" >&2; return 3; }
    local mirror keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    mirror=$(debian_mirror)
    [ -n "$mirror" ] || { echo "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list" >&2; return 3; }
    [ -f "$keyring" ] || { echo "no $keyring to verify the $suite suite with" >&2; return 3; }
    rm -rf "$dir/apt" "$dir/debs" "$dir/root"
    mkdir -p "$dir/apt/state/lists/partial" "$dir/apt/cache/archives/partial" "$dir/debs" "$dir/root"
    echo "deb [signed-by=$keyring] $mirror $suite main" >"$dir/apt/sources.list"
    local apt_opts=(-q -o "Dir::State=$dir/apt/state" -o "Dir::Cache=$dir/apt/cache" -o "Dir::Etc::SourceList=$dir/apt/sources.list"
        -o Dir::Etc::SourceParts=/dev/null -o Dir::State::status=/var/lib/dpkg/status -o APT::Sandbox::User=root)
    apt-get "${apt_opts[@]}" update >"$dir/apt.log" 2>&1 || { echo "apt-get update of $suite failed (see $dir/apt.log)" >&2; return 3; }
    (cd "$dir/debs" && apt-get "${apt_opts[@]}" download "$@" >>"$dir/apt.log" 2>&1) || { echo "downloading $* from $suite failed (see $dir/apt.log)" >&2; return 3; }
    local deb
    for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
    rm -rf "$dir/apt" "$dir/debs"
}
