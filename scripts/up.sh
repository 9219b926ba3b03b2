#!/usr/bin/env bash
# The main job: install, select (or create) the stack, and `pulumi up` it.
#   npm run up              → the dev stack
#   bash scripts/up.sh NAME → any stack (create Pulumi.NAME.yaml first, or it starts from the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
stack="${1:-dev}"
for tool in pulumi docker; do
    command -v "$tool" >/dev/null || { echo "up: $tool is not on PATH (see the README's prerequisites)" >&2; exit 1; }
done
. scripts/lib/pulumi-cli.sh
pulumi_check_version || exit 1
[ -d node_modules ] || npm ci --no-audit --no-fund
# Local state needs a passphrase for the kubeconfig secret; an empty one is accepted, but set your own.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
pulumi stack select --create "$stack"
pulumi up --yes --stack "$stack"
