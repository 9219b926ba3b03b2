#!/usr/bin/env bash
# Builds the upstream programs the stack drives from their Go modules, at the versions pinned in
# tools/ (one module per program: one dependency graph can't hold them all), into the ignored
# .cache/tools/bin/, one binary per name, so that folder can go on PATH. What is built and still
# matches its pins is reused.
#
#   bash scripts/fetch-tools.sh [NAME ...]   → builds NAME (default: every tool), prints the bin dir last
#   bash scripts/fetch-tools.sh tests        → what the test tiers run first (not pulumi; scripts/node-image.sh
#                                              builds the node images' programs)
#   exit 3 with a reason on stderr           → a tool cannot be built on this machine
#   exit 2                                   → unknown tool name
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${KUBETRACING_TOOLS_CACHE:-$repo/.cache/tools}"
bin="$cache/bin"

# name → what it is and at which version (what `NAME --version` should report). Where a version the
# stack names could not be had from the module proxy, the module's go.mod or manifest says what is
# built instead, and why.
declare -A what=(
    [otelcol]="OpenTelemetry Collector core distribution 0.159.0 (upstream builder, tools/otelcol/manifest.yaml)"
    [otelcol-agent]="OpenTelemetry Collector with the node agent's components, contrib 0.159.0 (tools/otelcol-agent/manifest.yaml)"
    [jaeger]="Jaeger v2 (tools/jaeger/go.mod)"
    [kind]="kind v0.33.0 (tools/kind/go.mod)"
    [k3d]="k3d v5.9.0 (tools/k3d/go.mod)"
    [pulumi]="Pulumi CLI v3.274.1 (tools/pulumi/go.mod)"
    [telemetrygen]="telemetrygen, the consumer example's workload (tools/telemetrygen/go.mod)"
)
order=(otelcol otelcol-agent jaeger kind k3d pulumi telemetrygen)
tests=(otelcol otelcol-agent jaeger kind k3d)
# The version a tools/ module requires of an upstream module: module_version DIR MODULE → v1.2.3.
module_version() { awk -v m="$2" '$1 == m && $2 ~ /^v/ {print $2; exit}' "$repo/tools/$1/go.mod"; }
# The Kubernetes programs, one module per minor: tools/kubernetes-<minor>/go.mod pins the patch (the one
# the pinned node image carries, or the nearest one whose staging modules the proxy serves: see each) and
# lists the programs built (its `tool` block): kube-apiserver and kubelet for every minor, the rest of a
# node's programs for the minors scripts/node-image.sh builds images of.
kubernetes_patch() { module_version "kubernetes-$1" k8s.io/kubernetes; }
for dir in "$repo"/tools/kubernetes-*/; do
    minor=$(basename "$dir")
    minor=${minor#kubernetes-}
    patch=$(kubernetes_patch "$minor")
    for program in $(awk '/^tool \(/ {on = 1; next} on && /^\)/ {on = 0} on {sub(".*/cmd/", "", $1); print $1}' "$dir/go.mod"); do
        what[$program-$minor]="$program $patch (tools/kubernetes-$minor/go.mod)"
        order+=("$program-$minor")
    done
    tests+=("kube-apiserver-$minor" "kubelet-$minor")
done
# The node image's other programs (scripts/node-image.sh) and the real-binaries tier's etcd and
# containerd: each a directory of the module's programs where it has several.
for dir in "$repo"/tools/containerd-*/; do
    line=$(basename "$dir")
    what[$line]="containerd, ctr and containerd-shim-runc-v2 $(module_version "$line" github.com/containerd/containerd/v2) (tools/$line/go.mod)"
    order+=("$line")
    tests+=("$line")
done
for dir in "$repo"/tools/etcd-*/; do
    line=$(basename "$dir")
    what[$line]="etcd and etcdctl $(module_version "$line" go.etcd.io/etcd/server/v3) (tools/$line/go.mod)"
    order+=("$line")
    tests+=("$line")
done
for dir in "$repo"/tools/coredns-*/; do
    line=$(basename "$dir")
    what[$line]="CoreDNS $(module_version "$line" github.com/coredns/coredns) with kubeadm's plugins (tools/$line/main.go)"
    order+=("$line")
done
what[runc]="runc $(module_version runc github.com/opencontainers/runc) (tools/runc/go.mod; cgo, libseccomp)"
what[crictl]="crictl $(module_version cri-tools sigs.k8s.io/cri-tools) (tools/cri-tools/go.mod)"
what[cni-plugins]="CNI plugins $(module_version cni-plugins github.com/containernetworking/plugins) (tools/cni-plugins/go.mod)"
what[pause]="the pod sandbox's pause (tools/pause/main.go)"
order+=(runc crictl cni-plugins pause)

cannot() { echo "fetch-tools: $*" >&2; exit 3; }

names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${order[@]}")
[ "${names[*]}" != tests ] || names=("${tests[@]}")
for n in "${names[@]}"; do
    [ -n "${what[$n]:-}" ] || { echo "fetch-tools: unknown tool '$n'; known: tests ${order[*]}" >&2; exit 2; }
done

command -v go >/dev/null || cannot "needs Go 1.26 or newer on PATH (https://go.dev/dl/)"
# shellcheck source=lib/cache.sh
. "$repo/scripts/lib/cache.sh"
reason=$(trusted_cache "$cache" KUBETRACING_TOOLS_CACHE 2>&1) || cannot "$reason"
mkdir -p "$bin" "$cache/build"
# One build at a time: the test tiers may all ask at once.
exec 8>"$cache/.lock"
flock 8
# The go command's and the Collector builder's scratch directories stay in the cache, not in /tmp.
export TMPDIR="$cache/tmp" GOTMPDIR="$cache/tmp"
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT

# The tools/ module a binary is built from.
module_of() {
    case "$1" in
        kube-* | kubelet-* | kubeadm-* | kubectl-*) echo "kubernetes-${1##*-}" ;;
        crictl) echo cri-tools ;;
        *) echo "$1" ;;
    esac
}

# The build inputs of a tool: a change to any pin, or to how this script builds, rebuilds it (the Go
# build cache makes that a relink when only the flags changed).
stamp_of() { cat "$repo/tools/$(module_of "$1")"/* "$repo/scripts/fetch-tools.sh" | sha256sum | cut -c1-16; }

# A tool made of several programs: a directory of them (Go names each after its package's last element).
# Every build: -buildvcs=false, since GOFLAGS here replaces the machine's, and a main package in this
# repository's tools/ (pause, CoreDNS) would otherwise carry the checkout's commit, so every commit would
# make new binaries and a new node image stamp (scripts/node-image.sh).
build_module_dir() { # tool name, ldflags, main package...
    local name="$1" ldflags="$2"
    shift 2
    rm -rf "$bin/$name.new" && mkdir -p "$bin/$name.new"
    (cd "$repo/tools/$(module_of "$name")" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -buildvcs=false -trimpath -ldflags "$ldflags" -o "$bin/$name.new/" "$@")
}

build_module_tool() { # binary name, main package, ldflags
    # Static, like the upstream release binaries: the images built from them have no libc.
    (cd "$repo/tools/$(module_of "$1")" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -buildvcs=false -trimpath -ldflags "$3" -o "$bin/$1.new" "$2")
}

# Kubernetes stamps its version as hack/lib/version.sh does (component-base and client-go).
kubernetes_ldflags() { # patch version, e.g. v1.33.5
    local v="$1" rest minor pkg flags=""
    rest=${v#v1.}
    minor=${rest%%.*}
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        flags="$flags -X $pkg.gitVersion=$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
    done
    echo "$flags"
}

build_collector() { # tool dir (its manifest names the components and versions)
    local gobin="$cache/gobin"
    local builder_version
    builder_version=$(awk '/^# builder:/ {print $3}' "$repo/tools/$1/manifest.yaml")
    [ -x "$gobin/builder-$builder_version" ] || {
        GOBIN="$gobin" go install "go.opentelemetry.io/collector/cmd/builder@$builder_version"
        mv "$gobin/builder" "$gobin/builder-$builder_version"
    }
    rm -rf "$cache/build/$1"
    # output_path in the manifest is relative: run from the cache so generated sources land there.
    (cd "$cache/build" && "$gobin/builder-$builder_version" --config "$repo/tools/$1/manifest.yaml" >"$cache/build/$1.log" 2>&1) \
        || { tail -n 20 "$cache/build/$1.log" >&2; return 1; }
    mv "$cache/build/$1/$1" "$bin/$1.new"
}

build() {
    case "$1" in
        otelcol | otelcol-agent) build_collector "$1" ;;
        # Jaeger stamps its version through internal/version (upstream's scripts/makefiles/BuildInfo.mk).
        jaeger) build_module_tool jaeger github.com/jaegertracing/jaeger/cmd/jaeger \
            "-X github.com/jaegertracing/jaeger/internal/version.latestVersion=v2.13.0 -X github.com/jaegertracing/jaeger/internal/version.commitSHA=63b27e1810a710ac54dc4522da0538e540bdc545" ;;
        kind) build_module_tool kind sigs.k8s.io/kind "" ;;
        # A plain build of k3d reports v5-dev and its hard-coded k3s default (v1.32.5-k3s1 in v5.9.0
        # version/version.go); its release Makefile stamps both, the k3s one with the stable channel's tag at
        # build time. The stack never uses that default (it always names the image), so it is stamped with the
        # k3s of the pinned default minor.
        k3d) build_module_tool k3d github.com/k3d-io/k3d/v5 \
            "-X github.com/k3d-io/k3d/v5/version.Version=v5.9.0 -X github.com/k3d-io/k3d/v5/version.K3sVersion=v1.34.9-k3s1" ;;
        telemetrygen) build_module_tool telemetrygen github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen "" ;;
        pulumi) build_module_tool pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
            "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v3.274.1" ;;
        kube-* | kubelet-* | kubeadm-* | kubectl-*)
            build_module_tool "$1" "k8s.io/kubernetes/cmd/${1%-*}" "$(kubernetes_ldflags "$(kubernetes_patch "${1##*-}")")" ;;
        # Stamped as containerd's Makefile does (version.Version, version.Package); the module has no VCS revision to stamp.
        containerd-*) build_module_dir "$1" "-X github.com/containerd/containerd/v2/version.Version=$(module_version "$1" github.com/containerd/containerd/v2)" \
            github.com/containerd/containerd/v2/cmd/containerd github.com/containerd/containerd/v2/cmd/ctr github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 ;;
        # etcd's version is a constant of its api module (version.Version); nothing to stamp.
        # (go would name both after their module, server and etcdctl: each gets the name its release carries.)
        etcd-*) mkdir -p "$bin/$1.new" && for program in etcd:server etcdctl:etcdctl; do
            (cd "$repo/tools/$1" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -buildvcs=false -trimpath -o "$bin/$1.new/${program%%:*}" "go.etcd.io/etcd/${program#*:}/v3") || return 1
        done ;;
        coredns-*) build_module_tool "$1" . "" ;;
        # runc's version is embedded from its VERSION file; its nsenter is C (cgo), and its Makefile's default tags are these.
        runc) (cd "$repo/tools/runc" && CGO_ENABLED=1 GOFLAGS=-mod=readonly go build -buildvcs=false -trimpath -tags "seccomp urfave_cli_no_docs" -o "$bin/runc.new" github.com/opencontainers/runc) ;;
        crictl) build_module_tool crictl sigs.k8s.io/cri-tools/cmd/crictl "-X sigs.k8s.io/cri-tools/pkg/version.Version=$(module_version cri-tools sigs.k8s.io/cri-tools)" ;;
        cni-plugins) build_module_dir cni-plugins "-X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=$(module_version cni-plugins github.com/containernetworking/plugins)" \
            github.com/containernetworking/plugins/plugins/ipam/host-local github.com/containernetworking/plugins/plugins/main/bridge \
            github.com/containernetworking/plugins/plugins/main/loopback github.com/containernetworking/plugins/plugins/main/ptp \
            github.com/containernetworking/plugins/plugins/meta/portmap ;;
        pause) build_module_tool pause . "" ;;
    esac
}

for n in "${names[@]}"; do
    want=$(stamp_of "$n")
    if [ -x "$bin/$n" ] && [ "$(cat "$bin/$n.stamp" 2>/dev/null)" = "$want" ]; then
        echo "fetch-tools: $n cached (${what[$n]})"
        continue
    fi
    echo "fetch-tools: building $n: ${what[$n]}"
    start=$(date +%s)
    build "$n" || cannot "building $n failed (see the output above)"
    rm -rf "${bin:?}/$n"
    mv "$bin/$n.new" "$bin/$n"
    echo "$want" >"$bin/$n.stamp"
    took=$(($(date +%s) - start))
    printf '%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$n" "$took" >>"$cache/build-times.tsv"
    echo "fetch-tools: built $n in ${took}s"
done
echo "$bin"
