// The shell scripts @pulumi/command runs for a cluster: create (write the rendered files, check the
// engine CLI, clear a leftover cluster of the same name, create), delete, and read the kubeconfig.
// Pure strings, so tests can read them, `bash -n` them and run them against a fake engine CLI.
import type { Engine } from "./settings";
import type { StackNames } from "./names";
import type { Artifact } from "./render-stack";

export interface EngineScripts {
    create: string;
    delete: string;
    kubeconfig: string;
}

export interface EngineScriptInput {
    engine: Engine;
    names: StackNames;
    /** Files written into the state directory before the engine runs (its config and what it mounts). */
    files: Pick<Artifact, "fileName" | "content">[];
    clusterConfigFile: string;
    minimumCliVersion: string;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Per-cluster directory for the engine's files; outside the repo, one per cluster name. */
const STATE_DIR = (cluster: string) => `"\${XDG_STATE_HOME:-$HOME/.local/state}/kubetracing/${cluster}"`;

interface EngineCommands {
    exists: string;
    create: string;
    delete: string;
    kubeconfig: string;
}

function commandsFor(input: EngineScriptInput): EngineCommands {
    const name = shellQuote(input.names.cluster);
    const config = shellQuote(input.clusterConfigFile);
    if (input.engine === "k3d") {
        return {
            exists: `k3d cluster get ${name} >/dev/null 2>&1`,
            create: `k3d cluster create --config ${config}`,
            delete: `k3d cluster delete ${name}`,
            kubeconfig: `k3d kubeconfig get ${name}`,
        };
    }
    return {
        exists: `kind get clusters 2>/dev/null | grep -qx ${name}`,
        // kind joins the stack's network instead of its own "kind" network.
        create: `KIND_EXPERIMENTAL_DOCKER_NETWORK=${shellQuote(input.names.network)} kind create cluster --config ${config} --kubeconfig ./kubeconfig --wait 300s`,
        delete: `kind delete cluster --name ${name} --kubeconfig ./kubeconfig`,
        kubeconfig: `kind get kubeconfig --name ${name}`,
    };
}

function heredoc(fileName: string, content: string, index: number): string {
    const marker = `KUBETRACING_FILE_${index}_EOF`;
    if (content.split("\n").includes(marker)) throw new Error(`${fileName} contains the line ${marker}`);
    const body = content.endsWith("\n") ? content : `${content}\n`;
    return `cat > ${shellQuote(fileName)} <<'${marker}'\n${body}${marker}`;
}

export function engineScripts(input: EngineScriptInput): EngineScripts {
    const cmd = commandsFor(input);
    const cli = input.engine;
    const stateDir = STATE_DIR(input.names.cluster);
    const create = [
        "set -euo pipefail",
        `command -v ${cli} >/dev/null || { echo "kubetracing: ${cli} is not on PATH; install ${cli} >= ${input.minimumCliVersion}" >&2; exit 1; }`,
        `have=$(${cli} version 2>/dev/null | grep -oE 'v?[0-9]+\\.[0-9]+\\.[0-9]+' | head -n1 | sed 's/^v//')`,
        `if [ -z "$have" ] || [ "$(printf '%s\\n%s\\n' ${input.minimumCliVersion} "$have" | sort -V | head -n1)" != ${input.minimumCliVersion} ]; then`,
        `  echo "kubetracing: ${cli} \${have:-of unknown version} is too old for this node image; need ${cli} >= ${input.minimumCliVersion}" >&2; exit 1`,
        "fi",
        `state_dir=${stateDir}`,
        `mkdir -p "$state_dir" && cd "$state_dir"`,
        ...input.files.map((f, i) => heredoc(f.fileName, f.content, i)),
        // A failed earlier run can leave a cluster Pulumi never recorded; its name is ours alone.
        `if ${cmd.exists}; then`,
        `  echo "kubetracing: deleting leftover cluster ${input.names.cluster} from an earlier run" >&2`,
        `  ${cmd.delete}`,
        "fi",
        cmd.create,
        "",
    ].join("\n");
    const del = [
        "set -eu",
        `state_dir=${stateDir}`,
        `mkdir -p "$state_dir" && cd "$state_dir"`,
        `if ${cmd.exists}; then ${cmd.delete}; fi`,
        `cd / && rm -rf "$state_dir"`,
        "",
    ].join("\n");
    return { create, delete: del, kubeconfig: `set -eu\n${cmd.kubeconfig}\n` };
}
