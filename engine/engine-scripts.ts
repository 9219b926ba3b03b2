// The shell scripts @pulumi/command runs for a cluster: create (check the engine CLI, clear a
// leftover cluster an earlier run of this stack made, write the rendered files, create), delete,
// and read the kubeconfig.
// Pure strings, so tests can read them, `bash -n` them and run them against a fake engine CLI.
import type { Engine } from "../settings/settings";
import type { StackNames } from "../stack/names";
import type { Artifact } from "../config-files/render-stack";
import { generatedHeader } from "../config-files/file-text";

export interface EngineScripts {
    create: string;
    delete: string;
    kubeconfig: string;
}

/**
 * The environment variables that carry the scripts to the cluster's Commands, which run one-line
 * commands (pulumi-command quotes the command in every failure message, so a whole script there
 * buried the engine's own error).
 */
export const SCRIPT_VARIABLES = {
    create: "KUBETRACING_CREATE_SCRIPT",
    delete: "KUBETRACING_DELETE_SCRIPT",
    kubeconfig: "KUBETRACING_KUBECONFIG_SCRIPT",
} as const;

/** The one-line command that runs the script a variable holds ($0 is "kubetracing" in bash's own messages). */
export const runScript = (variable: string) => `exec /bin/bash -c "$${variable}" kubetracing`;

/** Seconds each engine CLI call may take before the script gives up on it. */
export interface ScriptTimeouts {
    /** `version`, listing clusters, reading the kubeconfig. */
    query: number;
    create: number;
    delete: number;
}

/** kind's create waits up to 300 s for the control plane itself (--wait); image pulls come before. */
export const SCRIPT_TIMEOUTS: ScriptTimeouts = { query: 60, create: 900, delete: 300 };

export interface EngineScriptInput {
    engine: Engine;
    names: StackNames;
    /** Files written into the state directory before the engine runs (its config and what it mounts). */
    files: Pick<Artifact, "fileName" | "content">[];
    clusterConfigFile: string;
    /** kind: the config for a Docker host on cgroup v1, where the kubelet would refuse it with the other one. */
    cgroupV1ConfigFile?: string;
    minimumCliVersion: string;
    /** The node image, named in the scripts' header. */
    nodeImage: string;
    timeouts?: ScriptTimeouts;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Per-cluster directory for the engine's files; outside the repo, one per engine and cluster name.
 * A stack's k3d and kind clusters share the cluster name, and kind bind-mounts files from here
 * into its nodes: the delete of one engine's cluster (which removes its directory) must never
 * take the other's files, whatever order the engine runs the two in.
 */
const STATE_DIR = (engine: Engine, cluster: string) => `"\${XDG_STATE_HOME:-$HOME/.local/state}/kubetracing/${engine}/${cluster}"`;

/** Written into the state directory just before the engine creates the cluster: "this stack made it". */
export const OWNER_MARKER = ".kubetracing-owner";

interface EngineCommands {
    /** Prints the existing clusters, one a line, name first; fails when the engine cannot tell. */
    list: string;
    create: string;
    delete: string;
    kubeconfig: string;
    /** What else a failed create can leave outside the engine's own delete, removed after it (best effort). */
    leftovers: string[];
}

/** The shell variable that holds the engine config's file name when the create command runs. */
const CONFIG_VARIABLE = "cluster_config";

function commandsFor(input: EngineScriptInput): EngineCommands {
    const name = shellQuote(input.names.cluster);
    const config = `"$${CONFIG_VARIABLE}"`;
    if (input.engine === "k3d") {
        return {
            // Exits non-zero when Docker cannot be asked; `k3d cluster get NAME` would not tell that from "absent".
            list: "k3d cluster list --no-headers",
            create: `k3d cluster create --config ${config}`,
            delete: `k3d cluster delete ${name}`,
            kubeconfig: `k3d kubeconfig get ${name}`,
            // k3d makes the cluster's image volume before its nodes (k3d v5.9.0 pkg/client/cluster.go ClusterRun →
            // ClusterPrepImageVolume, "k3d-<cluster>-images"); its rollback and `cluster delete` find it through the
            // nodes' labels, so a create that failed before any node existed leaves it behind.
            leftovers: [
                `if command -v docker >/dev/null; then docker volume rm -f ${shellQuote(`k3d-${input.names.cluster}-images`)} >/dev/null 2>&1 || true; fi`,
            ],
        };
    }
    return {
        list: "kind get clusters",
        // kind joins the stack's network instead of its own "kind" network.
        create: `env KIND_EXPERIMENTAL_DOCKER_NETWORK=${shellQuote(input.names.network)} kind create cluster --config ${config} --kubeconfig ./kubeconfig --wait 300s`,
        delete: `kind delete cluster --name ${name} --kubeconfig ./kubeconfig`,
        kubeconfig: `kind get kubeconfig --name ${name}`,
        leftovers: [],
    };
}

function heredoc(fileName: string, content: string, index: number): string {
    const marker = `KUBETRACING_FILE_${index}_EOF`;
    if (content.split("\n").includes(marker)) throw new Error(`${fileName} contains the line ${marker}`);
    const body = content.endsWith("\n") ? content : `${content}\n`;
    return `cat > ${shellQuote(fileName)} <<'${marker}'\n${body}${marker}`;
}

/**
 * What every script starts with: fail on any error (pipelines included), files readable by the
 * user only (kind writes the cluster's admin kubeconfig into the state directory), and
 * `limited SECONDS CMD…`, which stops an engine call that hangs (Docker stuck, a pull that never
 * ends) instead of waiting for Pulumi's own timeout. `timeout` is GNU coreutils (on macOS
 * `brew install coreutils` provides it as gtimeout).
 */
const PREAMBLE = [
    "set -euo pipefail",
    "umask 077",
    `timeout_cmd=$(command -v timeout || command -v gtimeout) || { echo "kubetracing: needs timeout from GNU coreutils (on macOS: brew install coreutils)" >&2; exit 1; }`,
    "limited() {",
    "  local seconds=$1 status=0; shift",
    `  "$timeout_cmd" -k 30 "$seconds" "$@" || status=$?`,
    `  if [ "$status" = 124 ]; then echo "kubetracing: '$*' did not finish within \${seconds}s" >&2; fi`,
    `  return "$status"`,
    "}",
];

/**
 * The line of `<engine> version` output that names the CLI's own version, and what it looks like:
 * - k3d: "k3d version v5.9.0" then "k3s version v1.34.9-k3s1 (default)" (k3d v5.9.0 cmd/root.go
 *   printVersion). The second line is the k3s image k3d would default to, never k3d's version.
 *   A plain `go build`/`go install` (which k3d's README offers: `go install github.com/k3d-io/k3d/v5@…`)
 *   has no version stamped and prints "k3d version v5-dev" and the hard-coded k3s ("v1.32.5-k3s1" in v5.9.0)
 *   (version/version.go GetVersion, K3sVersion); its release Makefile stamps both with -ldflags.
 * - kind: "kind v0.33.0 go1.26.8 linux/amd64" (kind pkg/cmd/kind/version/version.go
 *   DisplayVersion, read at the v0.33.0-alpha tag; the v0.33.0 built by scripts/fetch-tools.sh
 *   prints exactly this); a build between releases adds "-alpha…" and "+<commit>" to the version.
 */
export const VERSION_LINES: Record<Engine, { prefix: string; release: string; unstamped?: string }> = {
    k3d: { prefix: "k3d version ", release: "^k3d version v([0-9]+\\.[0-9]+\\.[0-9]+)([-+][^[:space:]]*)?$", unstamped: "^k3d version v[0-9]+-dev$" },
    kind: { prefix: "kind v", release: "^kind v([0-9]+\\.[0-9]+\\.[0-9]+)([-+][^[:space:]]*)?( |$)" },
};

/**
 * Reads the CLI's own version line only, compares its X.Y.Z (a pre-release or a build after a tag
 * counts as its X.Y.Z) and refuses one older than `min`. A k3d without a stamped version (v5-dev)
 * is accepted with a warning: it may be any k3d v5 commit, so the check cannot tell, and refusing it
 * would refuse every k3d installed with `go install`. A k3d older than 5.7.0 then fails on its own,
 * naming the config's `files:` key it does not know.
 */
function versionCheck(engine: Engine, min: string): string[] {
    const line = VERSION_LINES[engine];
    return [
        // Regex matches, not `… | grep -o`: under pipefail a text grep finds nothing in would end the script silently.
        `version_line=""; while IFS= read -r l; do l=\${l%$'\\r'}; if [[ $l == ${shellQuote(line.prefix)}* ]]; then version_line=$l; break; fi; done <<<"$version_text"`,
        `have=""; re=${shellQuote(line.release)}; if [[ $version_line =~ $re ]]; then have=\${BASH_REMATCH[1]}; fi`,
        ...(line.unstamped
            ? [
                  `re=${shellQuote(line.unstamped)}`,
                  `if [ -z "$have" ] && [[ $version_line =~ $re ]]; then`,
                  `  echo "kubetracing: warning: '$version_line' is a ${engine} built without a release version (go install or go build), so whether it is >= ${min} cannot be checked; if ${engine} refuses the config, install a ${engine} release >= ${min}" >&2`,
                  "else",
              ]
            : ["if true; then"]),
        `  if [ -z "$have" ] || [ "$(printf '%s\\n%s\\n' ${min} "$have" | sort -V | head -n1)" != ${min} ]; then`,
        `    echo "kubetracing: ${engine} \${have:-of unknown version} is too old for this node image; need ${engine} >= ${min} ('${engine} version' printed: \${version_line:-$version_text})" >&2; exit 1`,
        "  fi",
        "fi",
    ];
}

/**
 * kind on a Docker host with cgroup v1: the kubelet of this image stops there unless told
 * failCgroupV1: false, which only the cgroup v1 config says (config-files/kind-config.ts). `docker
 * info` reports the host's version as CgroupVersion "1" or "2" (Docker API 1.40+, Docker 19.03).
 */
function cgroupV1Choice(cgroupV1ConfigFile: string, t: ScriptTimeouts): string[] {
    return [
        `if ! host_cgroup=$(limited ${t.query} docker info --format '{{.CgroupVersion}}' 2>&1); then echo "kubetracing: 'docker info' failed, so the host's cgroup version is unknown: $host_cgroup" >&2; exit 1; fi`,
        `if [ "$host_cgroup" = 1 ]; then`,
        `  echo "kubetracing: note: the Docker host runs cgroup v1, which this node image's kubelet refuses by default; its KubeletConfiguration gets failCgroupV1: false (${cgroupV1ConfigFile})" >&2`,
        `  ${CONFIG_VARIABLE}=${shellQuote(cgroupV1ConfigFile)}`,
        "fi",
    ];
}

function listing(input: EngineScriptInput, cmd: EngineCommands, t: ScriptTimeouts): string[] {
    const cli = input.engine;
    return [
        // Whether the cluster exists must be known: "cannot ask Docker" is not "absent".
        `if ! clusters=$(limited ${t.query} ${cmd.list} 2>.kubetracing-list-errors); then`,
        `  echo "kubetracing: cannot list ${cli} clusters (is Docker running?), so whether ${input.names.cluster} exists is unknown; nothing was changed:" >&2`,
        "  cat .kubetracing-list-errors >&2; exit 1",
        "fi",
        "rm -f .kubetracing-list-errors",
        // awk reads all of its input: `… | grep -q` could stop early and fail the pipeline under pipefail.
        `cluster_exists() { awk -v name=${shellQuote(input.names.cluster)} '$1 == name { found = 1 } END { exit !found }' <<<"$clusters"; }`,
    ];
}

export function engineScripts(input: EngineScriptInput): EngineScripts {
    const header = generatedHeader({ source: "engine/engine-scripts.ts", image: input.nodeImage });
    const cmd = commandsFor(input);
    const t = input.timeouts ?? SCRIPT_TIMEOUTS;
    const cli = input.engine;
    const cluster = input.names.cluster;
    const stateDir = STATE_DIR(input.engine, cluster);
    const min = input.minimumCliVersion;
    const create = [
        ...PREAMBLE,
        `command -v ${cli} >/dev/null || { echo "kubetracing: ${cli} is not on PATH; install ${cli} >= ${min}" >&2; exit 1; }`,
        `if ! version_text=$(limited ${t.query} ${cli} version 2>&1); then echo "kubetracing: '${cli} version' failed: $version_text" >&2; exit 1; fi`,
        ...versionCheck(input.engine, min),
        `state_dir=${stateDir}`,
        `mkdir -p "$state_dir" && cd "$state_dir"`,
        ...listing(input, cmd, t),
        "if cluster_exists; then",
        // A failed earlier run can leave a cluster Pulumi never recorded; the marker says it is ours.
        `  if [ -f ${OWNER_MARKER} ]; then`,
        `    echo "kubetracing: deleting leftover cluster ${cluster} from an earlier run of this stack" >&2`,
        `    limited ${t.delete} ${cmd.delete}`,
        "  else",
        `    echo "kubetracing: a ${cli} cluster named ${cluster} exists that this stack did not create (no ${OWNER_MARKER} in $state_dir); delete it yourself if it is yours to lose, or use another stack name" >&2`,
        "    exit 1",
        "  fi",
        "fi",
        // From here on a failure leaves files, the owner marker and maybe part of a cluster that Pulumi never
        // records (a failed create is not in the state), so `destroy` would not remove them: the script does.
        "create_failed() {",
        "  local status=$?",
        '  [ "$status" != 0 ] || return 0',
        `  echo "kubetracing: creating cluster ${cluster} failed (exit $status); removing what the attempt left" >&2`,
        `  limited ${t.delete} ${cmd.delete} >/dev/null 2>&1 || true`,
        ...cmd.leftovers.map((line) => `  ${line}`),
        `  cd / && rm -rf "$state_dir"`,
        `  exit "$status"`,
        "}",
        "trap create_failed EXIT",
        ...input.files.map((f, i) => heredoc(f.fileName, f.content, i)),
        `${CONFIG_VARIABLE}=${shellQuote(input.clusterConfigFile)}`,
        ...(input.cgroupV1ConfigFile ? cgroupV1Choice(input.cgroupV1ConfigFile, t) : []),
        `echo "cluster ${cluster}, created by kubetracing" > ${OWNER_MARKER}`,
        `limited ${t.create} ${cmd.create}`,
        "trap - EXIT",
        "",
    ].join("\n");
    const del = [
        ...PREAMBLE,
        // Said plainly: without the CLI the listing below fails too, but names Docker.
        `command -v ${cli} >/dev/null || { echo "kubetracing: ${cli} is not on PATH, so whether cluster ${cluster} exists cannot be asked and it is not deleted; nothing was changed (install ${cli} and run the delete again)" >&2; exit 1; }`,
        `state_dir=${stateDir}`,
        `mkdir -p "$state_dir" && cd "$state_dir"`,
        ...listing(input, cmd, t),
        `if cluster_exists; then limited ${t.delete} ${cmd.delete}; fi`,
        `cd / && rm -rf "$state_dir"`,
        "",
    ].join("\n");
    const kubeconfig = [...PREAMBLE, `limited ${t.query} ${cmd.kubeconfig}`, ""].join("\n");
    return { create: header + create, delete: header + del, kubeconfig: header + kubeconfig };
}
