// The rendered cluster scripts, run for real by bash against a fake engine CLI that records its calls.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { engineScripts, OWNER_MARKER, ScriptTimeouts } from "../engine/engine-scripts";
import { stackNames } from "../stack/names";
import { waitForHttpOkScript } from "../components/observability-backend";
import { renderOf, settingsOf, useTempDirs } from "./helpers";

const tempDir = useTempDirs("scripts");

interface Sandbox {
    home: string;
    bin: string;
    log: string;
    run(script: string, env?: Record<string, string>): { status: number | null; stderr: string; stdout: string };
    calls(): string[];
}

interface FakeEngine {
    version?: string;
    /** Clusters that exist before the script runs. */
    existing?: string[];
    /** The engine cannot reach Docker: every call but `version` fails. */
    dockerDown?: boolean;
    /** What `version` prints instead of a version line. */
    versionText?: string;
    /** `create` never returns. */
    hangOnCreate?: boolean;
    /** `create` fails as an image that cannot be pulled does, after making the cluster's first container. */
    failCreate?: boolean;
    /** A fake `docker` too, whose `info --format '{{.CgroupVersion}}'` prints this, or fails. */
    hostCgroup?: "1" | "2" | "fail";
}

/** A fake `k3d`/`kind`: prints a version, logs argv and cwd, and keeps a set of existing clusters in a file. */
function sandbox(engine: "k3d" | "kind", fake: FakeEngine = {}): Sandbox {
    const root = tempDir(engine);
    const home = path.join(root, "home");
    const bin = path.join(root, "bin");
    const log = path.join(root, "calls.log");
    const clusters = path.join(root, "clusters");
    fs.mkdirSync(home);
    fs.mkdirSync(bin);
    fs.writeFileSync(clusters, (fake.existing ?? []).map((c) => `${c}\n`).join(""));
    const version = fake.version ?? (engine === "k3d" ? "5.9.0" : "0.33.0");
    // What the released CLIs print (k3d v5.9.0 cmd/root.go printVersion; kind pkg/cmd/kind/version/version.go DisplayVersion).
    const versionLine =
        fake.versionText ?? (engine === "k3d" ? `k3d version v${version}\nk3s version v1.34.9-k3s1 (default)` : `kind v${version} go1.26.8 linux/amd64`);
    fs.writeFileSync(
        path.join(bin, engine),
        `#!/bin/bash
echo "$* | cwd=$PWD | net=\${KIND_EXPERIMENTAL_DOCKER_NETWORK:-}" >> ${log}
if [ "$1" = version ]; then printf '%s\\n' "${versionLine}"; exit 0; fi
${fake.dockerDown ? 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock" >&2; exit 1' : ""}
case "$1 $2" in
  "cluster list") awk '{ printf "%s   1/1   0/0   true\\n", $1 }' ${clusters} ;;
  "get clusters") if [ -s ${clusters} ]; then cat ${clusters}; else echo "No kind clusters found." >&2; fi ;;
  "cluster create"|"create cluster")
    ${fake.hangOnCreate ? "exec sleep 600" : ""}
    ${fake.failCreate ? `echo kubetracing-scripts >> ${clusters}; echo "ERROR: failed to create cluster: failed to pull image nowhere.example/node:v1" >&2; exit 1` : ""}
    echo created >> ${clusters}.created
    if [ "$1" = create ]; then echo "apiVersion: v1" > ./kubeconfig; fi ;;
  "cluster delete") sed -i "/^$3$/d" ${clusters} ;;
  "delete cluster") sed -i "/^$4$/d" ${clusters} ;;
  "kubeconfig get"|"get kubeconfig") echo "apiVersion: v1" ;;
esac
`,
        { mode: 0o755 },
    );
    if (fake.hostCgroup) {
        fs.writeFileSync(
            path.join(bin, "docker"),
            fake.hostCgroup === "fail"
                ? `#!/bin/bash\necho "docker $* | cwd=$PWD" >> ${log}\necho "Cannot connect to the Docker daemon" >&2; exit 1\n`
                : `#!/bin/bash\necho "docker $* | cwd=$PWD" >> ${log}\n[ "$*" = "info --format {{.CgroupVersion}}" ] && echo ${fake.hostCgroup}\n`,
            { mode: 0o755 },
        );
    }
    return {
        home,
        bin,
        log,
        run: (script, env = {}) => {
            const r = spawnSync("/bin/bash", ["-c", script], {
                env: { PATH: `${bin}:${process.env.PATH}`, HOME: home, ...env },
                encoding: "utf8",
                timeout: 20_000,
            });
            return { status: r.status, stderr: r.stderr, stdout: r.stdout };
        },
        calls: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []),
    };
}

function scriptsFor(raw: Record<string, unknown>, timeouts?: ScriptTimeouts) {
    const settings = settingsOf(raw);
    const rendered = renderOf(raw, "scripts");
    return {
        rendered,
        scripts: engineScripts({
            engine: settings.engine,
            names: stackNames("kubetracing", "scripts"),
            files: rendered.artifacts.filter((a) => a.neededByEngine),
            clusterConfigFile: rendered.clusterConfigFile,
            cgroupV1ConfigFile: rendered.artifacts.find((a) => a.role === "cluster-config-cgroup-v1")?.fileName,
            minimumCliVersion: rendered.minimumEngineCli,
            nodeImage: settings.release.image,
            timeouts,
        }),
    };
}

const isCreate = (call: string) => /^(cluster create|create cluster)/.test(call);
const isDelete = (call: string) => /^(cluster delete|delete cluster)/.test(call);

describe.each(["k3d", "kind"] as const)("%s scripts", (engine) => {
    // Rendered before each test, not when the file loads: mutation testing counts what a test runs as that test's.
    let scripts: ReturnType<typeof scriptsFor>["scripts"];
    let rendered: ReturnType<typeof scriptsFor>["rendered"];
    beforeEach(() => ({ scripts, rendered } = scriptsFor({ engine, kubernetesVersion: "1.33" })));
    const stateDir = (home: string) => path.join(home, ".local/state/kubetracing", engine, "kubetracing-scripts");
    /** What an earlier, failed run of this stack leaves: its state directory with the owner marker. */
    const earlierRun = (box: Sandbox) => {
        fs.mkdirSync(stateDir(box.home), { recursive: true });
        fs.writeFileSync(path.join(stateDir(box.home), OWNER_MARKER), "cluster kubetracing-scripts, created by kubetracing\n");
    };

    it("are valid bash", () => {
        for (const s of Object.values(scripts)) expect(spawnSync("bash", ["-n", "-c", s]).status).toBe(0);
    });

    it("create writes the rendered files byte for byte and runs the engine there", () => {
        const box = sandbox(engine);
        const r = box.run(scripts.create);
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        for (const a of rendered.artifacts.filter((x) => x.neededByEngine)) {
            expect(fs.readFileSync(path.join(stateDir(box.home), a.fileName), "utf8")).toBe(a.content);
        }
        const create = box.calls().find(isCreate)!;
        expect(create).toContain(`cwd=${stateDir(box.home)}`);
        if (engine === "kind")
            expect(create).toMatch(/create cluster --config kind-config.yaml --kubeconfig .\/kubeconfig --wait 300s .*net=kubetracing-scripts-net$/);
        else expect(create).toMatch(/^cluster create --config k3d-config.yaml/);
    });

    it("create leaves every file it and the engine write readable by the user only, whatever the umask", () => {
        const box = sandbox(engine);
        expect(box.run(`umask 022; ${scripts.create}`).status).toBe(0);
        const files = fs.readdirSync(stateDir(box.home));
        if (engine === "kind") expect(files).toContain("kubeconfig");
        for (const f of files) expect((fs.statSync(path.join(stateDir(box.home), f)).mode & 0o077).toString(8)).toBe("0");
        expect(fs.statSync(stateDir(box.home)).mode & 0o077).toBe(0);
    });

    it("create recovers from a leftover cluster an earlier run of this stack made", () => {
        const box = sandbox(engine, { existing: ["kubetracing-scripts"] });
        earlierRun(box);
        const r = box.run(scripts.create);
        expect(r.status).toBe(0);
        expect(r.stderr).toContain("deleting leftover cluster kubetracing-scripts from an earlier run of this stack");
        const calls = box.calls();
        const del = calls.findIndex(isDelete);
        expect(del).toBeGreaterThan(-1);
        expect(calls.findIndex(isCreate)).toBeGreaterThan(del);
    });

    it("create refuses to delete a cluster of the same name that this stack did not make", () => {
        const box = sandbox(engine, { existing: ["kubetracing-scripts"] });
        const r = box.run(scripts.create);
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(`a ${engine} cluster named kubetracing-scripts exists that this stack did not create (no ${OWNER_MARKER}`);
        expect(box.calls().filter((c) => isDelete(c) || isCreate(c))).toEqual([]);
    });

    it("create refuses an engine CLI older than the node image needs, before touching anything", () => {
        const box = sandbox(engine, { version: "0.1.0" });
        const r = box.run(scripts.create);
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`${engine} 0\\.1\\.0 is too old for this node image; need ${engine} >= `));
        expect(box.calls().every((c) => c.startsWith("version"))).toBe(true);
    });

    it("create says so when the engine prints no version it can read", () => {
        const box = sandbox(engine, { versionText: "garbage: no version here" });
        const r = box.run(scripts.create);
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`kubetracing: ${engine} of unknown version is too old for this node image; need ${engine} >= `));
    });

    it("create says what to install when the engine is missing", () => {
        const r = spawnSync("/bin/bash", ["-c", scripts.create], { env: { PATH: "/usr/bin:/bin", HOME: tempDir("home") }, encoding: "utf8" });
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`kubetracing: ${engine} is not on PATH; install ${engine} >= `));
    });

    it("delete fails, changing nothing, when the engine CLI is missing (Pulumi must not forget the cluster)", () => {
        const box = sandbox(engine, { existing: ["kubetracing-scripts"] });
        earlierRun(box);
        const r = box.run(scripts.delete, { PATH: "/usr/bin:/bin" });
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(
            `kubetracing: ${engine} is not on PATH, so whether cluster kubetracing-scripts exists cannot be asked and it is not deleted; nothing was changed`,
        );
        expect(fs.existsSync(path.join(stateDir(box.home), OWNER_MARKER))).toBe(true);
    });

    it.each([["create"], ["delete"]] as const)("%s fails, changing nothing, when the engine cannot list its clusters", (which) => {
        const box = sandbox(engine, { existing: ["kubetracing-scripts"], dockerDown: true });
        earlierRun(box);
        const r = box.run(scripts[which]);
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(
            `kubetracing: cannot list ${engine} clusters (is Docker running?), so whether kubetracing-scripts exists is unknown; nothing was changed`,
        );
        expect(r.stderr).toContain("Cannot connect to the Docker daemon");
        expect(box.calls().filter((c) => isDelete(c) || isCreate(c))).toEqual([]);
        // The state directory (and its marker) stays for the next attempt.
        expect(fs.existsSync(path.join(stateDir(box.home), OWNER_MARKER))).toBe(true);
    });

    it("delete removes the cluster and its state directory, and is a no-op when it is gone", () => {
        const box = sandbox(engine);
        expect(box.run(scripts.create).status).toBe(0);
        fs.appendFileSync(path.join(box.home, "..", "clusters"), "kubetracing-scripts\n");
        expect(box.run(scripts.delete).status).toBe(0);
        expect(box.calls().filter(isDelete)).toHaveLength(1);
        expect(fs.existsSync(stateDir(box.home))).toBe(false);
        expect(box.run(scripts.delete).status).toBe(0);
        expect(box.calls().filter(isDelete)).toHaveLength(1);
    });

    it("create stops at the first step that fails: a config file it cannot write means no cluster is created", () => {
        const box = sandbox(engine);
        earlierRun(box);
        // A directory where the engine's config file goes: `cat > file` fails.
        fs.mkdirSync(path.join(stateDir(box.home), rendered.clusterConfigFile));
        const r = box.run(scripts.create);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/Is a directory/);
        expect(box.calls().filter(isCreate)).toEqual([]);
    });

    it("a failed create removes what it left (part of a cluster, its files, the owner marker), fails with the engine's error, and the next create works", () => {
        const box = sandbox(engine, { failCreate: true, hostCgroup: "2" });
        const r = box.run(scripts.create);
        expect(r.status).toBe(1);
        expect(r.stderr).toBe(
            "ERROR: failed to create cluster: failed to pull image nowhere.example/node:v1\n" +
                "kubetracing: creating cluster kubetracing-scripts failed (exit 1); removing what the attempt left\n",
        );
        expect(box.calls().filter(isDelete)).toHaveLength(1);
        expect(fs.existsSync(stateDir(box.home))).toBe(false);
        expect(fs.readFileSync(path.join(box.home, "..", "clusters"), "utf8")).toBe("");
        // k3d's image volume, made before any node (see engine/engine-scripts.ts).
        expect(box.calls().filter((c) => c.startsWith("docker volume"))).toEqual(
            engine === "k3d" ? [`docker volume rm -f k3d-kubetracing-scripts-images | cwd=${stateDir(box.home)}`] : [],
        );
        const again = sandbox(engine);
        expect(again.run(scripts.create).status).toBe(0);
    });

    it("a create refused before it starts (a cluster this stack did not make) removes nothing", () => {
        const box = sandbox(engine, { existing: ["kubetracing-scripts"], hostCgroup: "2" });
        fs.mkdirSync(stateDir(box.home), { recursive: true });
        fs.writeFileSync(path.join(stateDir(box.home), "notes.txt"), "someone's\n");
        expect(box.run(scripts.create).status).toBe(1);
        expect(box.calls().filter(isDelete)).toEqual([]);
        expect(fs.readdirSync(stateDir(box.home))).toEqual(["notes.txt"]);
    });

    it("kubeconfig prints the engine's kubeconfig", () => {
        const box = sandbox(engine);
        expect(box.run(scripts.kubeconfig).stdout).toBe("apiVersion: v1\n");
    });
});

it("writes a file with shell syntax in it byte for byte (nothing is expanded)", () => {
    const content = 'a: "$HOME ${HOME} $(echo run) `echo run`"\nb: \\n \\$ \'single\' "double"\n';
    const { create } = engineScripts({
        engine: "kind",
        names: stackNames("kubetracing", "scripts"),
        nodeImage: "kindest/node:v1.37.1",
        // A quote in a file name, and a last line without its newline (the heredoc adds it).
        files: [
            { fileName: "shell-syntax.yaml", content },
            { fileName: "it's.yaml", content: "a: 1" },
        ],
        clusterConfigFile: "shell-syntax.yaml",
        minimumCliVersion: "0.22.0",
    });
    const box = sandbox("kind");
    expect(box.run(create).status).toBe(0);
    const stateDir = path.join(box.home, ".local/state/kubetracing/kind/kubetracing-scripts");
    expect(fs.readFileSync(path.join(stateDir, "shell-syntax.yaml"), "utf8")).toBe(content);
    expect(fs.readFileSync(path.join(stateDir, "it's.yaml"), "utf8")).toBe("a: 1\n");
});

it("refuses a file holding the line that would end its heredoc", () => {
    const input = {
        engine: "kind" as const,
        names: stackNames("kubetracing", "scripts"),
        clusterConfigFile: "a.yaml",
        minimumCliVersion: "0.22.0",
        nodeImage: "kindest/node:v1.37.1",
    };
    expect(() => engineScripts({ ...input, files: [{ fileName: "a.yaml", content: "x\nKUBETRACING_FILE_0_EOF\ny\n" }] })).toThrow(
        "a.yaml contains the line KUBETRACING_FILE_0_EOF",
    );
    expect(() => engineScripts({ ...input, files: [{ fileName: "a.yaml", content: "x KUBETRACING_FILE_0_EOF\n" }] })).not.toThrow();
});

describe("the engine CLI's version, read from its own version line", () => {
    let k3d: ReturnType<typeof scriptsFor>["scripts"];
    let kind: ReturnType<typeof scriptsFor>["scripts"];
    beforeEach(() => {
        k3d = scriptsFor({ engine: "k3d", kubernetesVersion: "1.33" }).scripts;
        kind = scriptsFor({ engine: "kind", kubernetesVersion: "1.33" }).scripts;
    });
    const created = (box: Sandbox) => box.calls().some(isCreate);

    it.each([
        [
            "a release (what k3d v5.9.0 prints) is checked by its own line, not the k3s line below it",
            "k3d version v5.9.0\nk3s version v1.34.9-k3s1 (default)",
            0,
            "",
        ],
        [
            "a build without a stamped version (go install: v5-dev, k3s v1.21.7) is accepted with a warning, and 1.21.7 is not taken for k3d's version",
            "k3d version v5-dev\nk3s version v1.21.7-k3s1 (default)",
            0,
            "kubetracing: warning: 'k3d version v5-dev' is a k3d built without a release version (go install or go build), so whether it is >= 5.7.0 cannot be checked",
        ],
        [
            "an old release is refused, naming its version and the line read",
            "k3d version v5.6.0\nk3s version v1.27.4-k3s1 (default)",
            1,
            "kubetracing: k3d 5.6.0 is too old for this node image; need k3d >= 5.7.0 ('k3d version' printed: k3d version v5.6.0)",
        ],
        [
            "a version only on the k3s line is no k3d version",
            "k3d version unknown\nk3s version v9.9.9-k3s1 (default)",
            1,
            "kubetracing: k3d of unknown version is too old",
        ],
        [
            "noise before the version line (stderr is read too) is skipped",
            "WARN[0000] something\nk3d version v5.9.0\nk3s version v1.34.9-k3s1 (default)",
            0,
            "",
        ],
    ])("k3d: %s", (_what, text, status, stderr) => {
        const box = sandbox("k3d", { versionText: text });
        const r = box.run(k3d.create);
        expect(r.status).toBe(status);
        expect(created(box)).toBe(status === 0);
        if (stderr) expect(r.stderr).toContain(stderr);
        else expect(r.stderr).toBe("");
    });

    it.each([
        ["kind v0.33.0 go1.26.8 linux/amd64", 0],
        // A build between releases: the next version's pre-release with its commit.
        ["kind v0.34.0-alpha.12+0123456789abcd go1.26.8 linux/amd64", 0],
        ["kind v0.20.0 go1.20.4 linux/amd64", 1],
        ["kind version 0.33.0", 1],
    ])("kind: %s → exit %i", (text, status) => {
        const box = sandbox("kind", { versionText: text });
        const r = box.run(kind.create);
        expect(r.status).toBe(status);
        expect(created(box)).toBe(status === 0);
        if (status) expect(r.stderr).toMatch(/kubetracing: kind (0\.20\.0|of unknown version) is too old for this node image; need kind >= 0\.\d+\.\d+/);
        else expect(r.stderr).toBe("");
    });
});

it("each engine has its own state directory: deleting the stack's k3d cluster leaves its kind cluster's files (which kind bind-mounts) alone", () => {
    const k3d = scriptsFor({ engine: "k3d", kubernetesVersion: "1.33" }).scripts;
    const kind = scriptsFor({ engine: "kind", kubernetesVersion: "1.33" }).scripts;
    // One HOME and both fake CLIs on PATH, as on a machine that has both.
    const box = sandbox("kind");
    const k3dBox = sandbox("k3d");
    const env = { PATH: `${box.bin}:${k3dBox.bin}:${process.env.PATH}` };
    expect(box.run(kind.create, env).status).toBe(0);
    const kindDir = path.join(box.home, ".local/state/kubetracing/kind/kubetracing-scripts");
    const files = fs.readdirSync(kindDir);
    expect(files).toContain("kind-config.yaml");
    expect(box.run(k3d.delete, env).status).toBe(0);
    expect(fs.readdirSync(kindDir)).toEqual(files);
});

// Both engines' calls go through the same `limited`, so one engine shows it (each second counts in npm test).
it("an engine call that hangs is stopped after its time limit, with a message", () => {
    const { scripts: quick } = scriptsFor({ engine: "kind", kubernetesVersion: "1.33" }, { query: 5, create: 1, delete: 5 });
    const box = sandbox("kind", { hangOnCreate: true });
    const started = Date.now();
    const r = box.run(quick.create);
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/kubetracing: 'env KIND_EXPERIMENTAL_DOCKER_NETWORK=kubetracing-scripts-net kind create cluster .*' did not finish within 1s/);
    expect(Date.now() - started).toBeLessThan(15_000);
});

// kubelet 1.35+ refuses a cgroup v1 host unless told failCgroupV1: false; only the cgroup v1 config says so.
describe("kind on a Docker host of either cgroup version", () => {
    const { scripts: kind137 } = scriptsFor({ engine: "kind", kubernetesVersion: "1.37" });
    const configOfCreate = (box: Sandbox) => /--config (\S+)/.exec(box.calls().find(isCreate) ?? "")?.[1];

    it("cgroup v1: creates with kind-config-cgroup-v1.yaml and says why", () => {
        const box = sandbox("kind", { hostCgroup: "1" });
        const r = box.run(kind137.create);
        expect(r.status).toBe(0);
        expect(configOfCreate(box)).toBe("kind-config-cgroup-v1.yaml");
        expect(r.stderr).toBe(
            "kubetracing: note: the Docker host runs cgroup v1, which this node image's kubelet refuses by default; its KubeletConfiguration gets failCgroupV1: false (kind-config-cgroup-v1.yaml)\n",
        );
    });

    it("cgroup v2: creates with kind-config.yaml, silently", () => {
        const box = sandbox("kind", { hostCgroup: "2" });
        const r = box.run(kind137.create);
        expect([r.status, r.stderr]).toEqual([0, ""]);
        expect(configOfCreate(box)).toBe("kind-config.yaml");
    });

    it("docker info failing: stops before the engine creates anything", () => {
        const box = sandbox("kind", { hostCgroup: "fail" });
        const r = box.run(kind137.create);
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/^kubetracing: 'docker info' failed, so the host's cgroup version is unknown: Cannot connect to the Docker daemon/);
        expect(box.calls().some(isCreate)).toBe(false);
    });

    it("a kubelet that runs on cgroup v1 (1.34 and older) gets one config and no docker call", () => {
        const { scripts: kind134, rendered } = scriptsFor({ engine: "kind", kubernetesVersion: "1.34" });
        expect(rendered.artifacts.map((a) => a.fileName)).not.toContain("kind-config-cgroup-v1.yaml");
        const box = sandbox("kind", { hostCgroup: "1" });
        expect(box.run(kind134.create).status).toBe(0);
        expect(configOfCreate(box)).toBe("kind-config.yaml");
        expect(box.calls().filter((c) => c.startsWith("docker "))).toEqual([]);
    });
});

describe("collector readiness wait", () => {
    it("ends at its deadline on a port that accepts and never answers, trying again meanwhile", async () => {
        const sockets: net.Socket[] = [];
        const silent = net.createServer((socket) => void sockets.push(socket));
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
        const port = (silent.address() as net.AddressInfo).port;
        const started = Date.now();
        const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
            const child = spawn("/bin/sh", ["-c", waitForHttpOkScript(3)], { env: { ...process.env, KUBETRACING_HEALTH_URL: `http://127.0.0.1:${port}/` } });
            let stderr = "";
            child.stderr.on("data", (d) => (stderr += d));
            const guard = setTimeout(() => child.kill("SIGKILL"), 15_000);
            child.on("exit", (status) => {
                clearTimeout(guard);
                resolve({ status, stderr });
            });
        });
        sockets.forEach((s) => s.destroy());
        silent.close();
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/the Collector did not answer .* within 3s/);
        expect(Date.now() - started).toBeLessThan(6000);
        // Each attempt gave up after its own timeout and a new one was made.
        expect(sockets.length).toBeGreaterThanOrEqual(2);
    });

    it("returns once the health endpoint answers 200, and fails after its timeout otherwise", async () => {
        let hits = 0;
        const server = http.createServer((_req, res) => {
            hits++;
            res.statusCode = hits < 3 ? 503 : 200;
            res.end();
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as any).port;
        const ok = await new Promise<number | null>((resolve) => {
            const child = require("child_process").spawn("/bin/sh", ["-c", waitForHttpOkScript(10)], {
                env: { ...process.env, KUBETRACING_HEALTH_URL: `http://127.0.0.1:${port}/` },
            });
            child.on("exit", resolve);
        });
        server.close();
        expect(ok).toBe(0);
        expect(hits).toBe(3);
        const closed = spawnSync("/bin/sh", ["-c", waitForHttpOkScript(1)], {
            env: { ...process.env, KUBETRACING_HEALTH_URL: `http://127.0.0.1:${port}/` },
            encoding: "utf8",
        });
        expect(closed.status).toBe(1);
        expect(closed.stderr).toMatch(/the Collector did not answer .* within 1s/);
    });
});
