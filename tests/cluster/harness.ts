// The cluster tier's machinery: kind node images built from registries (scripts/node-image.sh), the
// backend as the stack runs it (the trace-path tier's startBackend), the cluster created by the
// rendered create script exactly as the cluster Command runs it, and kubectl against it.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runScript, SCRIPT_VARIABLES } from "../../engine/engine-scripts";
import { normalizeKubeconfig } from "../../stack/kubeconfig";
import { PROJECT_DIR, useTempDirs } from "../helpers";
import { BackendOptions, obtainTracePath, RunningBackend, startBackend, TracePathTools } from "../trace-path/harness";

/** The minors the tier runs: the default one and the newest. */
export const CLUSTER_MINORS = ["1.34", "1.37"] as const;
export type ClusterMinor = (typeof CLUSTER_MINORS)[number];

export interface ClusterTools extends TracePathTools {
    /** Per minor, the node image and the test pod's image built into the tests' dockerd. */
    images: TracePathTools["images"] & { node: Record<ClusterMinor, string>; pod: string };
    /** A directory with `kind` and `kubectl` (of a minor) for PATH. */
    pathFor(minor: ClusterMinor): string;
}

const tempDir = useTempDirs("cluster");

type Obtained = { ok: true; tools: ClusterTools } | { ok: false; reason: string };

/** Runs one of scripts/; what it says on stderr (what it builds, how long it took) goes to the tier's log as it comes. */
function script(name: string, ...args: string[]): { ok: true; lines: string[] } | { ok: false; reason: string } {
    const r = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", name), ...args], {
        encoding: "utf8",
        maxBuffer: 64 << 20,
        stdio: ["ignore", "pipe", "inherit"],
    });
    if (r.status !== 0) return { ok: false, reason: `${name} ${args.join(" ")} exited ${r.status} (its messages are above)` };
    return { ok: true, lines: r.stdout.trim().split("\n") };
}

/** Builds (or reuses) kind, kubectl, the node images and the backend images; synchronous, as the tier decides at load time. */
export function obtainCluster(): Obtained {
    const base = obtainTracePath(["kind", ...CLUSTER_MINORS.map((m) => `kubectl-${m}`)]);
    if (!base.ok) return base;
    const node: Partial<Record<ClusterMinor, string>> = {};
    let pod = "";
    for (const minor of CLUSTER_MINORS) {
        const built = script("node-image.sh", minor);
        if (!built.ok) return built;
        const value = (key: string) => built.lines.find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1) ?? "";
        node[minor] = value("nodeImage");
        pod = value("podImage");
    }
    const bin = base.tools.bin;
    const pathFor = (minor: ClusterMinor) => {
        const dir = path.join(PROJECT_DIR, ".cache", "cluster-path", minor);
        fs.mkdirSync(dir, { recursive: true });
        for (const [name, target] of [
            ["kind", path.join(bin, "kind")],
            ["kubectl", path.join(bin, `kubectl-${minor}`)],
        ]) {
            fs.rmSync(path.join(dir, name), { force: true });
            fs.symlinkSync(target, path.join(dir, name));
        }
        return dir;
    };
    return { ok: true, tools: { ...base.tools, images: { ...base.tools.images, node: node as Record<ClusterMinor, string>, pod }, pathFor } };
}

/** Outside CI a machine without the tools skips the tier and says why; in CI that is a failure. */
export function describeWithCluster(title: string, body: (tools: ClusterTools) => void): void {
    const obtained = obtainCluster();
    if (obtained.ok) {
        describe(title, () => body(obtained.tools));
    } else if (process.env.CI === "true") {
        it(`${title}: the tools, node images and test dockerd are available`, () => {
            throw new Error(`CI must run the cluster tier, but: ${obtained.reason}`);
        });
    } else {
        process.stderr.write(`Skipping "${title}" (outside CI): ${obtained.reason}\n`);
        describe.skip(title, () => it("needs the tools", () => undefined));
    }
}

export interface Cluster {
    name: string;
    backend: RunningBackend;
    /** The normalized kubeconfig the stack outputs, and a file of it for kubectl. */
    kubeconfig: string;
    kubeconfigFile: string;
    /** HOME the scripts ran with: the state directory and any kubeconfig entry would be under it. */
    home: string;
    stateDir: string;
    /** What the create script printed on stderr (its notes). */
    createStderr: string;
    /** Milliseconds the create script took (kind create with --wait: until the control plane is Ready). */
    createMs: number;
    /** When the create script returned. */
    readyAt: number;
    env: NodeJS.ProcessEnv;
    /** kubectl against this cluster; throws with its stderr when it fails. */
    kubectl(args: string[], input?: string): string;
    /** The stack outputs `npm run verify` reads. */
    outputs: Record<string, unknown>;
    /** Runs the rendered delete script; returns its exit code. */
    destroy(): number;
}

export interface ClusterOptions extends BackendOptions {
    /** Changes the rendered create script before it runs (negative controls). */
    editCreateScript?: (script: string) => string;
}

/** Runs a rendered script as the cluster Command does: bash -c "exec /bin/bash -c \"$VAR\" kubetracing", the script in VAR. */
function runAsCommand(
    variable: string,
    text: string,
    env: NodeJS.ProcessEnv,
    timeoutMs: number,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn("/bin/bash", ["-c", runScript(variable)], { env: { ...env, [variable]: text } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const guard = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("exit", (status) => {
            clearTimeout(guard);
            resolve({ status, stdout, stderr });
        });
    });
}

/**
 * The backend for `stack`, then its cluster from the rendered create script, then the kubeconfig as the
 * kubeconfig Command reads and the component normalizes it.
 */
export async function createCluster(tools: ClusterTools, minor: ClusterMinor, stack: string, options: ClusterOptions = {}): Promise<Cluster> {
    const backend = startBackend(tools, stack, {
        ...options,
        config: { engine: "kind", kubernetesVersion: minor, nodeImage: tools.images.node[minor], samplingRatePerMillion: 1000000, ...options.config },
    });
    const home = tempDir(`home-${minor}`);
    const env: NodeJS.ProcessEnv = {
        PATH: `${tools.pathFor(minor)}:${process.env.PATH}`,
        HOME: home,
        DOCKER_HOST: tools.dockerHost,
        // The compile caches jest.shared.js keeps out of /tmp (verify and explain run under ts-node).
        ...Object.fromEntries(["V8_COMPILE_CACHE_CACHE_DIR", "NODE_COMPILE_CACHE"].filter((k) => process.env[k]).map((k) => [k, process.env[k]])),
    };
    const scripts = backend.rendered.engineScripts;
    const name = backend.outputs.clusterName as string;
    const stateDir = path.join(home, ".local", "state", "kubetracing", "kind", name);
    const started = Date.now();
    const created = await runAsCommand(SCRIPT_VARIABLES.create, (options.editCreateScript ?? ((s) => s))(scripts.create), env, 900_000);
    const createMs = Date.now() - started;
    const destroy = () =>
        spawnSync("/bin/bash", ["-c", runScript(SCRIPT_VARIABLES.delete)], { env: { ...env, [SCRIPT_VARIABLES.delete]: scripts.delete }, encoding: "utf8" })
            .status ?? -1;
    if (created.status !== 0) {
        destroy();
        backend.remove();
        throw new Error(`the create script exited ${created.status}:\n${created.stderr.slice(-3000)}`);
    }
    const read = await runAsCommand(SCRIPT_VARIABLES.kubeconfig, scripts.kubeconfig, env, 120_000);
    if (read.status !== 0) throw new Error(`the kubeconfig script exited ${read.status}: ${read.stderr}`);
    const kubeconfig = normalizeKubeconfig(read.stdout, name);
    const kubeconfigFile = path.join(home, "kubeconfig");
    fs.writeFileSync(kubeconfigFile, kubeconfig, { mode: 0o600 });
    const kubectl = (args: string[], input?: string) => {
        const r = spawnSync("kubectl", ["--kubeconfig", kubeconfigFile, ...args], { env, input, encoding: "utf8", timeout: 300_000 });
        if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr.trim() || r.error}`);
        return r.stdout;
    };
    return {
        name,
        backend,
        kubeconfig,
        kubeconfigFile,
        home,
        stateDir,
        createStderr: created.stderr,
        createMs,
        readyAt: Date.now(),
        env,
        kubectl,
        outputs: { ...backend.outputs, kubeconfig },
        destroy,
    };
}

/** The node names of a cluster, control plane first. */
export function nodeNames(cluster: Cluster): string[] {
    return cluster.kubectl(["get", "nodes", "-o", "jsonpath={.items[*].metadata.name}"]).trim().split(/\s+/).sort();
}

export { tempDir };
