#!/usr/bin/env bash
# The main job: install, select (or create) the stack, and `pulumi up` it.
#   npm run up              → the dev stack
#   npm run up -- --refresh → the dev stack, its state read afresh first (host ports Docker chose again)
#   bash scripts/up.sh NAME → any stack (create Pulumi.NAME.yaml first, or it starts from the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
stack="${1:-dev}"
[ "$#" -eq 0 ] || shift # the rest goes to `pulumi up`, e.g. --refresh after Docker restarted (README)
for tool in pulumi docker; do
    command -v "$tool" >/dev/null || { echo "up: $tool is not on PATH (see the README's prerequisites)" >&2; exit 1; }
done
. scripts/lib/pulumi-cli.sh
pulumi_check_version || exit 1
[ -d node_modules ] || npm ci --no-audit --no-fund
# Local state needs a passphrase for the kubeconfig secret: yours (PULUMI_CONFIG_PASSPHRASE or
# PULUMI_CONFIG_PASSPHRASE_FILE), else an empty one.
pulumi_default_passphrase
pulumi stack select --create "$stack"
# The kubernetes provider copies the kubeconfig, client key included, to a new file in $TMPDIR each
# time it starts and never removes it (pulumi-kubernetes provider/pkg/provider/provider.go Configure →
# util.go writeKubeconfigToFile, for Helm): the run gets a private temp directory, removed after it.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --skip-preview: with --yes nothing waits on the preview, which would only print the plan the update
# prints again, at the cost of a second run of the program and of every provider's start (about 4 s of
# a 17 s fresh up, npm run bench:up). Bad settings still stop the run before anything is created.
TMPDIR="$tmp" pulumi up --yes --skip-preview --stack "$stack" "$@"
