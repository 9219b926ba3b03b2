// The lifecycle tier's machinery: the real `pulumi` CLI with whatever Node language host and resource
// plugins Pulumi resolves (on a machine with internet it installs them itself), a local file backend in
// a temp directory, the tests' dockerd, and our node image. Each stack runs in a temp directory that
// links to the project's files, so its Pulumi.<stack>.yaml (with pulumi's encryptionsalt) is written
// there and the checkout is left as it was.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR, useTempDirs } from "../helpers";
import { obtainCluster } from "../cluster/harness";
import type { ClusterTools } from "../cluster/harness";

const tempDir = useTempDirs("lifecycle");

/** The resource plugins this program needs, at the versions its npm packages ask for. */
export function requiredPlugins(): { name: string; version: string }[] {
    const version = (pkg: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "node_modules", pkg, "package.json"), "utf8")).version as string;
    return [
        { name: "command", version: version("@pulumi/command") },
        { name: "docker", version: version("@pulumi/docker") },
        { name: "kubernetes", version: version("@pulumi/kubernetes") },
    ];
}

export interface LifecycleTools {
    cluster: ClusterTools;
    /** The pulumi CLI to run. */
    pulumi: string;
    /** The consumer example's workload, built here (tools/telemetrygen) as no registry can be reached. */
    telemetrygenImage: string;
}

type Obtained = { ok: true; tools: LifecycleTools } | { ok: false; reason: string };

/** What the tier needs: the pulumi CLI, its Node language host and the three resource plugins; then the cluster tier's tools. */
export function obtainLifecycle(): Obtained {
    const onPath = spawnSync("bash", ["-c", "command -v pulumi"], { encoding: "utf8" }).stdout.trim();
    const built = path.join(PROJECT_DIR, ".cache", "tools", "bin", "pulumi");
    const pulumi = onPath || (fs.existsSync(built) ? built : "");
    if (!pulumi) return { ok: false, reason: "no pulumi CLI on PATH (nor a built one in .cache/tools/bin: npm run tools -- pulumi)" };
    const pathDirs = [path.dirname(pulumi), ...(process.env.PATH ?? "").split(":")];
    if (!pathDirs.some((dir) => fs.existsSync(path.join(dir, "pulumi-language-nodejs")))) {
        return { ok: false, reason: `no pulumi-language-nodejs beside ${pulumi} or on PATH (Pulumi's Node language host)` };
    }
    const listed = spawnSync(pulumi, ["plugin", "ls", "--json"], { encoding: "utf8", env: process.env });
    if (listed.status !== 0) return { ok: false, reason: `pulumi plugin ls failed: ${listed.stderr.trim()}` };
    const installed = (JSON.parse(listed.stdout || "[]") as { name: string; kind: string; version: string }[]).filter((p) => p.kind === "resource");
    const missing = requiredPlugins().filter((want) => !installed.some((p) => p.name === want.name && p.version === want.version));
    if (missing.length) {
        return {
            ok: false,
            reason: `pulumi has no ${missing.map((p) => `${p.name} ${p.version}`).join(", ")} resource plugin (pulumi plugin install resource NAME VERSION; here they are built by hand, see the README)`,
        };
    }
    const cluster = obtainCluster();
    if (!cluster.ok) return cluster;
    const images = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "test-images.sh"), "telemetrygen"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    const telemetrygenImage = /^telemetrygenImage=(.+)$/m.exec(images.stdout)?.[1];
    if (images.status !== 0 || !telemetrygenImage) return { ok: false, reason: `scripts/test-images.sh telemetrygen exited ${images.status}` };
    return { ok: true, tools: { cluster: cluster.tools, pulumi, telemetrygenImage } };
}

/** Skips, saying what is missing, wherever the plugins are not to be had: even with CI=true (the tier is not part of CI). */
export function describeWithLifecycle(title: string, body: (tools: LifecycleTools) => void): void {
    const obtained = obtainLifecycle();
    if (obtained.ok) describe(title, () => body(obtained.tools));
    else {
        process.stderr.write(`Skipping "${title}": ${obtained.reason}\n`);
        describe.skip(title, () => it("needs the Pulumi CLI, its Node language host and the plugins", () => undefined));
    }
}

export interface PulumiRun {
    status: number | null;
    stdout: string;
    /** What pulumi said on stderr, less its note that the language host came from PATH (a hand-built one does). */
    stderr: string;
    ms: number;
}

/** The CLI's one line about a language host found on PATH rather than beside it: how hand-built plugins are found. */
const AMBIENT_LANGUAGE_HOST = /^warning: using pulumi-language-nodejs from \$PATH at .*\n/gm;

/** A directory holding links to a project's files (not its stack files), where pulumi can write its own. */
export function projectLinks(project: string): string {
    const dir = tempDir("project");
    for (const entry of fs.readdirSync(project)) {
        if (/^Pulumi\..+\.yaml$/.test(entry) || [".git", ".cache", "reports"].includes(entry)) continue;
        fs.symlinkSync(path.join(project, entry), path.join(dir, entry));
    }
    // An example in this repository has no node_modules of its own: in the checkout Node finds the
    // repository's by walking up, which a temp directory cannot.
    if (!fs.existsSync(path.join(dir, "node_modules"))) fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

/** One stack of a project (this one by default) in a temp backend, run by the real CLI. */
export class TestStack {
    readonly dir: string;
    readonly project: string;
    readonly configFile: string;
    readonly env: NodeJS.ProcessEnv;

    constructor(
        readonly tools: LifecycleTools,
        readonly name: string,
        config: Record<string, unknown>,
        options: { project?: string; backend?: string } = {},
    ) {
        this.dir = tempDir(name);
        this.project = projectLinks(options.project ?? PROJECT_DIR);
        this.configFile = path.join(this.project, `Pulumi.${name}.yaml`);
        fs.mkdirSync(path.join(this.dir, "backend"));
        fs.mkdirSync(path.join(this.dir, "state"));
        fs.mkdirSync(path.join(this.dir, "tmp"));
        this.env = {
            ...process.env,
            PATH: `${tools.cluster.pathFor("1.34")}:${path.dirname(tools.pulumi)}:${process.env.PATH}`,
            PULUMI_BACKEND_URL: `file://${options.backend ?? path.join(this.dir, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: "",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            DOCKER_HOST: tools.cluster.dockerHost,
            XDG_STATE_HOME: path.join(this.dir, "state"),
            // The kubernetes provider leaves a copy of the kubeconfig in $TMPDIR each time it starts (scripts/up.sh).
            TMPDIR: path.join(this.dir, "tmp"),
        };
        this.writeConfig(config);
        const init = this.runSync(["stack", "init", name]);
        if (init.status !== 0) throw new Error(`pulumi stack init ${name}: ${init.stderr}`);
    }

    /** Replaces the stack's settings (a key without a namespace is kubetracing's). */
    writeConfig(config: Record<string, unknown>): void {
        const lines = Object.entries(config).map(([key, value]) => `  ${key.includes(":") ? key : `kubetracing:${key}`}: ${JSON.stringify(value)}`);
        const previous = fs.existsSync(this.configFile) ? fs.readFileSync(this.configFile, "utf8") : "";
        const salt = /^encryptionsalt: .*$/m.exec(previous)?.[0];
        fs.writeFileSync(this.configFile, `${salt ? `${salt}\n` : ""}config:\n${lines.join("\n")}\n`);
    }

    private args(command: string[]): string[] {
        return ["--cwd", this.project, "--non-interactive", ...command, ...(command[0] === "stack" && command[1] === "init" ? [] : ["--stack", this.name])];
    }

    runSync(command: string[]): PulumiRun {
        const started = Date.now();
        const r = spawnSync(this.tools.pulumi, this.args(command), { env: this.env, encoding: "utf8", maxBuffer: 256 << 20, timeout: 1_500_000 });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(AMBIENT_LANGUAGE_HOST, ""), ms: Date.now() - started };
    }

    run(command: string[]): Promise<PulumiRun> {
        const started = Date.now();
        return new Promise((resolve) => {
            const child = spawn(this.tools.pulumi, this.args(command), { env: this.env });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            child.on("exit", (status) => resolve({ status, stdout, stderr: stderr.replace(AMBIENT_LANGUAGE_HOST, ""), ms: Date.now() - started }));
        });
    }

    up(...extra: string[]): Promise<PulumiRun> {
        return this.run(["up", "--yes", "--skip-preview", ...extra]);
    }

    /** The steps a preview plans, by logical name: op (create, replace, delete, same…). */
    async plan(...extra: string[]): Promise<Record<string, string>> {
        const r = await this.run(["preview", "--json", ...extra]);
        if (r.status !== 0) throw new Error(`pulumi preview: ${r.stderr || r.stdout}`);
        const steps = (JSON.parse(r.stdout).steps ?? []) as { op: string; urn: string }[];
        return Object.fromEntries(steps.filter((s) => s.op !== "same").map((s) => [s.urn.split("::").pop()!, s.op]));
    }

    outputs(): Record<string, unknown> {
        const r = this.runSync(["stack", "output", "--json", "--show-secrets"]);
        if (r.status !== 0) throw new Error(`pulumi stack output: ${r.stderr}`);
        return JSON.parse(r.stdout);
    }

    destroy(): Promise<PulumiRun> {
        return this.run(["destroy", "--yes", "--skip-preview"]);
    }

    /** The stack's resources in its state, by logical name and type. */
    resources(): { name: string; type: string }[] {
        const r = this.runSync(["stack", "export"]);
        if (r.status !== 0) throw new Error(`pulumi stack export: ${r.stderr}`);
        return (JSON.parse(r.stdout).deployment.resources ?? []).map((x: { urn: string; type: string }) => ({ name: x.urn.split("::").pop()!, type: x.type }));
    }
}

export { tempDir };
