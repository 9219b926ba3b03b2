#!/usr/bin/env bash
# Builds the upstream programs the stack drives from their Go modules, at the versions pinned in
# tools/ (one module per program: one dependency graph can't hold them all), into the ignored
# .cache/tools/bin/, one binary per name, so that folder can go on PATH. What is built and still
# matches its pins is reused.
#
#   bash scripts/fetch-tools.sh [NAME ...]   → builds NAME (default: every tool), prints the bin dir last
#   bash scripts/fetch-tools.sh tests        → the ones the test tiers run (all but pulumi, kind, k3d)
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
    [k3d]="k3d v5.8.3 (tools/k3d/go.mod)"
    [pulumi]="Pulumi CLI v3.274.1 (tools/pulumi/go.mod)"
)
order=(otelcol otelcol-agent jaeger kind k3d pulumi)
tests=(otelcol otelcol-agent jaeger)
# The control plane, one module per minor: tools/kubernetes-<minor>/go.mod pins the patch (the one
# the pinned node image carries, or the nearest one whose staging modules the proxy serves: see each).
kubernetes_patch() { awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ {print $2; exit}' "$repo/tools/kubernetes-$1/go.mod"; }
for dir in "$repo"/tools/kubernetes-*/; do
    minor=$(basename "$dir")
    minor=${minor#kubernetes-}
    patch=$(kubernetes_patch "$minor")
    what[kube-apiserver-$minor]="kube-apiserver $patch (tools/kubernetes-$minor/go.mod)"
    what[kubelet-$minor]="kubelet $patch (tools/kubernetes-$minor/go.mod)"
    order+=("kube-apiserver-$minor" "kubelet-$minor")
    tests+=("kube-apiserver-$minor" "kubelet-$minor")
done

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
module_of() { case "$1" in kube-apiserver-* | kubelet-*) echo "kubernetes-${1##*-}" ;; *) echo "$1" ;; esac; }

# The build inputs of a tool: a change to any pin, or to how this script builds, rebuilds it (the Go
# build cache makes that a relink when only the flags changed).
stamp_of() { cat "$repo/tools/$(module_of "$1")"/* "$repo/scripts/fetch-tools.sh" | sha256sum | cut -c1-16; }

build_module_tool() { # binary name, main package, ldflags
    # Static, like the upstream release binaries: the images built from them have no libc.
    (cd "$repo/tools/$(module_of "$1")" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -ldflags "$3" -o "$bin/$1.new" "$2")
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
        # A plain build of k3d reports v5-dev and a k3s default of v1.21.7; its release Makefile
        # stamps both. The k3s default is never used by the stack (it always names the image).
        k3d) build_module_tool k3d github.com/k3d-io/k3d/v5 \
            "-X github.com/k3d-io/k3d/v5/version.Version=v5.8.3 -X github.com/k3d-io/k3d/v5/version.K3sVersion=v1.34.9-k3s1" ;;
        pulumi) build_module_tool pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
            "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v3.274.1" ;;
        kube-apiserver-* | kubelet-*)
            build_module_tool "$1" "k8s.io/kubernetes/cmd/${1%-*}" "$(kubernetes_ldflags "$(kubernetes_patch "${1##*-}")")" ;;
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
    mv "$bin/$n.new" "$bin/$n"
    echo "$want" >"$bin/$n.stamp"
    took=$(($(date +%s) - start))
    printf '%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$n" "$took" >>"$cache/build-times.tsv"
    echo "fetch-tools: built $n in ${took}s"
done
echo "$bin"
