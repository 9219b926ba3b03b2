#!/usr/bin/env bash
# Builds the backend images from the binaries of scripts/fetch-tools.sh into the tests' dockerd
# (scripts/test-docker.sh), since no image registry can be reached from the test machines. Each
# image copies its upstream image's entrypoint, user, environment and ports (upstream Dockerfiles:
# jaegertracing/jaeger cmd/jaeger/Dockerfile, open-telemetry/opentelemetry-collector-releases
# distributions/otelcol/Dockerfile) and is tagged with the version the binary itself reports.
# Idempotent: an image whose label matches its binary's checksum is kept.
#
#   bash scripts/test-images.sh   → prints jaegerImage=…, collectorImage=… and agentImage=… (stack settings)
#   bash scripts/test-images.sh telemetrygen → also telemetrygenImage=…, the consumer example's workload (lifecycle tier)
#   exit 3 with a reason on stderr → the images cannot be built here
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cannot() { echo "test-images: $*" >&2; exit 3; }

extra=()
[ "${1:-}" != telemetrygen ] || extra=(telemetrygen)
bin=$(bash "$repo/scripts/fetch-tools.sh" otelcol otelcol-agent jaeger "${extra[@]}" | tail -n1) || exit 3
docker_host=$(bash "$repo/scripts/test-docker.sh" start | tail -n1) || exit 3
export "${docker_host?}"
work="$repo/.cache/images"
mkdir -p "$work"
# One build at a time: the tier's test files may ask at once.
exec 9>"$work/.lock"
flock 9
certs=/etc/ssl/certs/ca-certificates.crt
[ -f "$certs" ] || cannot "needs $certs (Debian's ca-certificates) for the images' trust store"

# image NAME:TAG BINARY PATH-IN-IMAGE [--change …]: a scratch image holding the binary, CA certificates and a /tmp.
image() {
    local ref="$1" binary="$2" target="$3"
    shift 3
    local sum
    sum=$(sha256sum "$binary" | cut -c1-64)
    if [ "$(docker image inspect -f '{{ index .Config.Labels "kubetracing.binary-sha256" }}' "$ref" 2>/dev/null)" = "$sum" ]; then
        echo "$ref"
        return
    fi
    local root="$work/rootfs"
    rm -rf "$root" && mkdir -p "$root$(dirname "$target")" "$root/etc/ssl/certs" "$root/tmp"
    chmod 1777 "$root/tmp"
    cp "$binary" "$root$target" && chmod 755 "$root$target"
    cp "$certs" "$root/etc/ssl/certs/"
    tar --numeric-owner --owner=0 --group=0 -C "$root" -cf "$work/rootfs.tar" .
    local previous
    previous=$(docker image inspect -f '{{ .Id }}' "$ref" 2>/dev/null || true)
    docker import "$@" --change "LABEL kubetracing.binary-sha256=$sum" "$work/rootfs.tar" "$ref" >/dev/null \
        || cannot "docker import of $ref failed"
    # The tag moved to the new image: drop the old one unless a container still uses it.
    [ -z "$previous" ] || docker image rm "$previous" >/dev/null 2>&1 || true
    rm -rf "$root" "$work/rootfs.tar"
    echo "$ref"
}

# `otelcol --version` prints "otelcol version 0.159.0"; `jaeger version` prints JSON with gitVersion "v2.13.0".
otelcol_version=$("$bin/otelcol" --version | awk '{print $NF}')
agent_version=$("$bin/otelcol-agent" --version | awk '{print $NF}')
jaeger_version=$("$bin/jaeger" version 2>/dev/null | sed -n 's/.*"gitVersion": *"v\{0,1\}\([^"]*\)".*/\1/p' | head -n1)
[ -n "$otelcol_version" ] && [ -n "$agent_version" ] && [ -n "$jaeger_version" ] || cannot "a built binary did not report its version"

collector=$(image "kubetracing.local/otelcol:$otelcol_version" "$bin/otelcol" /otelcol \
    --change 'ENTRYPOINT ["/otelcol"]' --change 'CMD ["--config", "/etc/otelcol/config.yaml"]' \
    --change 'USER 10001:10001' --change 'EXPOSE 4317 4318 55679')
agent=$(image "kubetracing.local/otelcol-agent:$agent_version" "$bin/otelcol-agent" /otelcol-contrib \
    --change 'ENTRYPOINT ["/otelcol-contrib"]' --change 'CMD ["--config", "/etc/otelcol-contrib/config.yaml"]' \
    --change 'USER 10001:10001' --change 'EXPOSE 4317 4318 55679')
jaeger=$(image "kubetracing.local/jaeger:$jaeger_version" "$bin/jaeger" /cmd/jaeger/jaeger-linux \
    --change 'ENTRYPOINT ["/cmd/jaeger/jaeger-linux"]' --change 'USER 10001' --change 'ENV JAEGER_LISTEN_HOST=0.0.0.0' \
    --change 'EXPOSE 4317 4318 5778 5779 9411 13132 13133 14250 14268 16686')

echo "jaegerImage=$jaeger"
echo "collectorImage=$collector"
echo "agentImage=$agent"
if [ ${#extra[@]} -gt 0 ]; then
    # telemetrygen has no --version: the tag is its module's version (tools/telemetrygen/go.mod).
    telemetrygen_version=$(awk '$1 == "github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen" {print $2}' "$repo/tools/telemetrygen/go.mod")
    echo "telemetrygenImage=$(image "kubetracing.local/telemetrygen:$telemetrygen_version" "$bin/telemetrygen" /telemetrygen \
        --change 'ENTRYPOINT ["/telemetrygen"]' --change 'USER 10001')"
fi
