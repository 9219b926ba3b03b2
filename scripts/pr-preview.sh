#!/usr/bin/env bash
# Pulumi's real plan for a change: the dev stack of the base revision brought up in a throwaway local
# backend on this machine's Docker, then `pulumi preview --diff` of this checkout against it, so a
# reviewer reads "the cluster will be replaced" where a file diff cannot say it. Everything it made is
# destroyed, and its temp directory removed, however it ends.
#
#   bash scripts/pr-preview.sh BASE_REF [SETTINGS_FILE]
#     BASE_REF       a git revision (origin/main, a commit): the state the plan starts from
#     SETTINGS_FILE  a stack file whose `config:` entries are added to both revisions' dev settings
#                    (a machine without a registry names its local images there)
#   → prints a Markdown summary (each create, update, replacement and delete, with its reasons), then
#     the preview's own diff; exit 0. Exit 1 when a step fails (its output is shown), 2 on bad usage.
#
# Needs the pulumi CLI with its plugins, Docker, the engine CLI (kind by default) and Node.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
usage() { echo "usage: bash scripts/pr-preview.sh BASE_REF [SETTINGS_FILE]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
base_ref="$1"
settings="${2:-}"
[ -z "$settings" ] || [ -f "$settings" ] || { echo "pr-preview: no settings file $settings" >&2; exit 2; }
git -C "$repo" rev-parse --verify --quiet "$base_ref^{commit}" >/dev/null || { echo "pr-preview: $base_ref is not a revision of this repository" >&2; exit 2; }
for tool in pulumi docker node; do command -v "$tool" >/dev/null || { echo "pr-preview: $tool is not on PATH" >&2; exit 1; }; done

work=$(mktemp -d "${TMPDIR:-/tmp}/kubetracing-pr-preview.XXXXXX")
stack="pr-preview"
export PULUMI_BACKEND_URL="file://$work/backend" PULUMI_CONFIG_PASSPHRASE="" PULUMI_SKIP_UPDATE_CHECK=true
export XDG_STATE_HOME="$work/state"
# The kubernetes provider leaves a copy of the kubeconfig in $TMPDIR each time it starts (scripts/up.sh).
export TMPDIR="$work/tmp"
mkdir -p "$work/backend" "$work/state" "$work/tmp"
cleanup() {
    local status=$?
    if [ -d "$work/base" ] && [ -f "$work/base/Pulumi.$stack.yaml" ]; then
        (cd "$work/base" && pulumi destroy --yes --skip-preview --non-interactive --stack "$stack" >"$work/destroy.log" 2>&1) ||
            { echo "pr-preview: destroying the base stack failed:" >&2; tail -n 20 "$work/destroy.log" >&2; status=1; }
    fi
    git -C "$repo" worktree remove --force "$work/base" >/dev/null 2>&1 || true
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
step() { # log name, then the command: its output only when it fails
    local name="$1"
    shift
    "$@" >"$work/$name.log" 2>&1 || { echo "pr-preview: $name failed:" >&2; tail -n 40 "$work/$name.log" >&2; return 1; }
}

# The dev stack's settings at a revision: Pulumi.dev.yaml (before it was committed, Pulumi.dev.example.yaml),
# plus the settings file's entries, as one stack file.
stack_file() { # project dir, revision
    node - "$1" "$2" "$settings" <<'EOF'
const fs = require("fs");
const path = require("path");
const { parse, stringify } = require(path.join(process.cwd(), "node_modules", "yaml"));
const [dir, , extra] = process.argv.slice(2);
const read = (file) => (fs.existsSync(file) ? parse(fs.readFileSync(file, "utf8")) ?? {} : {});
const dev = ["Pulumi.dev.yaml", "Pulumi.dev.example.yaml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
const config = { ...(dev ? read(dev).config : {}), ...(extra ? read(extra).config : {}) };
process.stdout.write(stringify({ config }));
EOF
}

# The base revision, checked out and installed on its own; this checkout, through links, so the stack
# file pulumi writes (with its encryptionsalt) stays out of it.
step worktree git -C "$repo" worktree add --detach "$work/base" "$base_ref"
if [ -e "$work/base/node_modules" ]; then
    : # the revision holds node_modules itself (a committed link): linking into it would write into that tree
elif cmp -s "$repo/package-lock.json" "$work/base/package-lock.json" && [ -d "$repo/node_modules" ]; then
    ln -s "$repo/node_modules" "$work/base/node_modules"
else
    (cd "$work/base" && step npm-ci npm ci --no-audit --no-fund --loglevel=error)
fi
mkdir "$work/head"
for entry in "$repo"/* "$repo"/.[!.]*; do
    name=$(basename "$entry")
    case "$name" in .git | .cache | Pulumi.*.yaml) continue ;; esac
    ln -s "$entry" "$work/head/$name"
done

(cd "$repo" && stack_file "$work/base" "$base_ref") >"$work/base/Pulumi.$stack.yaml"
(cd "$work/base" && step stack-init pulumi stack init "$stack" --non-interactive)
(cd "$work/base" && step base-up pulumi up --yes --skip-preview --non-interactive --stack "$stack")
# The head's settings, with the salt pulumi gave the stack (it encrypts the state's secrets with it).
salt=$(grep '^encryptionsalt:' "$work/base/Pulumi.$stack.yaml" || true)
{ [ -z "$salt" ] || echo "$salt"; (cd "$repo" && stack_file "$repo" HEAD); } >"$work/head/Pulumi.$stack.yaml"
(cd "$work/head" && step preview-json pulumi preview --json --non-interactive --stack "$stack")
(cd "$work/head" && step preview-diff pulumi preview --diff --non-interactive --stack "$stack")

node - "$work/preview-json.log" "$base_ref" <<'EOF'
const fs = require("fs");
const [file, base] = process.argv.slice(2);
const text = fs.readFileSync(file, "utf8");
const plan = JSON.parse(text.slice(text.indexOf("{")));
const name = (urn) => urn.split("::").pop();
const lines = [];
for (const step of plan.steps ?? []) {
    if (step.op === "same" || step.op === "read") continue;
    const reasons = [...new Set([...(step.replaceReasons ?? []), ...(step.diffReasons ?? [])])];
    lines.push(`| ${step.op} | \`${name(step.urn)}\` | ${reasons.length ? reasons.map((r) => `\`${r}\``).join(", ") : "-"} |`);
}
console.log(`### Pulumi's plan (dev stack): ${base} → this change`);
console.log("");
if (lines.length) {
    console.log("| step | resource | because of |");
    console.log("|---|---|---|");
    for (const line of lines) console.log(line);
} else {
    console.log("No changes: `pulumi up` would leave every resource as it is.");
}
const counts = Object.entries(plan.changeSummary ?? {}).filter(([op]) => op !== "same").map(([op, n]) => `${n} to ${op}`);
console.log("");
console.log(counts.length ? `Summary: ${counts.join(", ")}.` : "Summary: nothing to change.");
EOF
echo
echo '```'
# The CLI's own rendering, less its progress lines.
grep -v '^ *@ previewing' "$work/preview-diff.log" || true
echo '```'
