#!/usr/bin/env bash
# End to end, on a machine with Docker, the Pulumi CLI, kubectl and k3d or kind:
#   up → verify (every traced component's spans reach Jaeger) → destroy → nothing of the stack left.
#   bash scripts/e2e.sh k3d|kind [KUBERNETES_VERSION]
# It cannot run on the project's development machines (no Docker engine, Pulumi CLI or images).
set -euo pipefail
engine="${1:?usage: scripts/e2e.sh k3d|kind [KUBERNETES_VERSION]}"
version="${2:-}"
case "$engine" in k3d|kind) ;; *) echo "e2e: engine must be k3d or kind, not $engine" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
for tool in pulumi docker kubectl "$engine"; do
    command -v "$tool" >/dev/null || { echo "e2e: $tool is not on PATH" >&2; exit 2; }
done
. scripts/lib/pulumi-cli.sh
pulumi_check_version || exit 2
[ -d node_modules ] || npm ci --no-audit --no-fund
# Local state needs a passphrase for the kubeconfig secret: yours (PULUMI_CONFIG_PASSPHRASE or
# PULUMI_CONFIG_PASSPHRASE_FILE), else an empty one.
pulumi_default_passphrase

stack="e2e-$engine-$(date +%s)"
# The kubernetes provider copies the kubeconfig to a new file in $TMPDIR each time it starts and leaves
# it (scripts/up.sh): this run's go to a private directory, removed at exit.
tmp=$(mktemp -d)
export TMPDIR="$tmp"
cleanup() {
    pulumi destroy --yes --stack "$stack" >/dev/null 2>&1 || true
    pulumi stack rm --yes --force --stack "$stack" >/dev/null 2>&1 || true
}
trap 'status=$?; if [ "$status" -ne 0 ]; then echo "e2e: failed ($status); cleaning up $stack" >&2; cleanup; fi; rm -rf "$tmp"' EXIT

pulumi stack init "$stack"
pulumi config set --stack "$stack" kubetracing:engine "$engine"
[ -z "$version" ] || pulumi config set --stack "$stack" kubetracing:kubernetesVersion "$version"
# Every request sampled, so verify does not wait on chance.
pulumi config set --stack "$stack" kubetracing:samplingRatePerMillion 1000000

pulumi up --yes --stack "$stack"
cluster=$(pulumi stack output clusterName --stack "$stack")
network=$(pulumi stack output dockerNetwork --stack "$stack")
npm run --silent verify -- --stack "$stack" --timeout 300
pulumi destroy --yes --stack "$stack"

leftovers=""
containers=$(docker ps -a --format '{{.Names}}' | grep -F "$cluster" || true)
[ -z "$containers" ] || leftovers+="containers: $containers\n"
networks=$(docker network ls --format '{{.Name}}' | grep -Fx "$network" || true)
[ -z "$networks" ] || leftovers+="network: $networks\n"
if grep -qF "$cluster" "${KUBECONFIG:-$HOME/.kube/config}" 2>/dev/null; then leftovers+="kubeconfig entry for $cluster\n"; fi
state_dir="${XDG_STATE_HOME:-$HOME/.local/state}/kubetracing/$engine/$cluster"
[ ! -e "$state_dir" ] || leftovers+="state directory $state_dir\n"
if [ -n "$leftovers" ]; then
    printf "e2e: destroy left things behind:\n%b" "$leftovers" >&2
    exit 1
fi
pulumi stack rm --yes --stack "$stack"
trap - EXIT
echo "e2e: $engine passed: up, every traced component verified in Jaeger, destroy left nothing"
