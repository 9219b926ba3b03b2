// The rendered cluster scripts, run for real by bash against a fake engine CLI that records its calls.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { engineScripts } from "../config-files/engine-scripts";
import { stackNames } from "../config-files/names";
import { waitForHttpOkScript } from "../components/observability-backend";
import { renderOf, settingsOf } from "./helpers";

interface Sandbox {
    home: string;
    bin: string;
    log: string;
    run(script: string, env?: Record<string, string>): { status: number | null; stderr: string; stdout: string };
    calls(): string[];
}

/** A fake `k3d`/`kind`: prints a version, logs argv and cwd, and keeps a set of existing clusters in a file. */
function sandbox(engine: "k3d" | "kind", version: string, existing: string[] = []): Sandbox {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "kt-scripts-"));
    const home = path.join(root, "home");
    const bin = path.join(root, "bin");
    const log = path.join(root, "calls.log");
    const clusters = path.join(root, "clusters");
    fs.mkdirSync(home);
    fs.mkdirSync(bin);
    fs.writeFileSync(clusters, existing.map((c) => `${c}\n`).join(""));
    const versionLine = engine === "k3d" ? `k3d version v${version}` : `kind v${version} go1.24 linux/amd64`;
    fs.writeFileSync(path.join(bin, engine), `#!/bin/bash
echo "$* | cwd=$PWD | net=\${KIND_EXPERIMENTAL_DOCKER_NETWORK:-}" >> ${log}
case "$1 $2" in
  "version "*) echo "${versionLine}" ;;
  "cluster get") grep -qx "$3" ${clusters} ;;
  "get clusters") cat ${clusters} ;;
  "cluster create"|"create cluster") echo created >> ${clusters}.created ;;
  "cluster delete") sed -i "/^$3$/d" ${clusters} ;;
  "delete cluster") sed -i "/^$4$/d" ${clusters} ;;
  "kubeconfig get"|"get kubeconfig") echo "apiVersion: v1" ;;
esac
`, { mode: 0o755 });
    return {
        home, bin, log,
        run: (script, env = {}) => {
            const r = spawnSync("/bin/bash", ["-c", script], { env: { PATH: `${bin}:${process.env.PATH}`, HOME: home, ...env }, encoding: "utf8" });
            return { status: r.status, stderr: r.stderr, stdout: r.stdout };
        },
        calls: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []),
    };
}

function scriptsFor(raw: Record<string, unknown>) {
    const settings = settingsOf(raw);
    const rendered = renderOf(raw, "scripts");
    return {
        rendered,
        scripts: engineScripts({
            engine: settings.engine,
            names: stackNames("kubetracing", "scripts"),
            files: rendered.artifacts.filter((a) => a.neededByEngine),
            clusterConfigFile: rendered.clusterConfigFile,
            minimumCliVersion: rendered.minimumEngineCli,
        }),
    };
}

describe.each(["k3d", "kind"] as const)("%s scripts", (engine) => {
    const cliVersion = engine === "k3d" ? "5.8.3" : "0.33.0";
    const { scripts, rendered } = scriptsFor({ engine, kubernetesVersion: "1.33" });
    const stateDir = (home: string) => path.join(home, ".local/state/kubetracing/kubetracing-scripts");

    it("are valid bash", () => {
        for (const s of Object.values(scripts)) expect(spawnSync("bash", ["-n", "-c", s]).status).toBe(0);
    });

    it("create writes the rendered files byte for byte and runs the engine there", () => {
        const box = sandbox(engine, cliVersion);
        const r = box.run(scripts.create);
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        for (const a of rendered.artifacts.filter((x) => x.neededByEngine)) {
            expect(fs.readFileSync(path.join(stateDir(box.home), a.fileName), "utf8")).toBe(a.content);
        }
        const create = box.calls().find((c) => /^(cluster create|create cluster)/.test(c))!;
        expect(create).toContain(`cwd=${stateDir(box.home)}`);
        if (engine === "kind") expect(create).toMatch(/create cluster --config kind-config.yaml --kubeconfig .\/kubeconfig --wait 300s .*net=kubetracing-scripts-net$/);
        else expect(create).toMatch(/^cluster create --config k3d-config.yaml/);
    });

    it("create recovers from a leftover cluster of the same name", () => {
        const box = sandbox(engine, cliVersion, ["kubetracing-scripts"]);
        const r = box.run(scripts.create);
        expect(r.status).toBe(0);
        expect(r.stderr).toContain("deleting leftover cluster kubetracing-scripts");
        const calls = box.calls();
        const del = calls.findIndex((c) => /^(cluster delete|delete cluster)/.test(c));
        const create = calls.findIndex((c) => /^(cluster create|create cluster)/.test(c));
        expect(del).toBeGreaterThan(-1);
        expect(create).toBeGreaterThan(del);
    });

    it("create refuses an engine CLI older than the node image needs, before touching anything", () => {
        const box = sandbox(engine, "0.1.0");
        const r = box.run(scripts.create);
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`${engine} 0\\.1\\.0 is too old for this node image; need ${engine} >= `));
        expect(box.calls().every((c) => c.startsWith("version"))).toBe(true);
    });

    it("create says what to install when the engine is missing", () => {
        const r = spawnSync("/bin/bash", ["-c", scripts.create], { env: { PATH: "/usr/bin:/bin", HOME: os.tmpdir() }, encoding: "utf8" });
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`kubetracing: ${engine} is not on PATH; install ${engine} >= `));
    });

    it("delete removes the cluster and its state directory, and is a no-op when it is gone", () => {
        const box = sandbox(engine, cliVersion, ["kubetracing-scripts"]);
        expect(box.run(scripts.create).status).toBe(0);
        expect(box.run(scripts.delete).status).toBe(0);
        expect(fs.existsSync(stateDir(box.home))).toBe(false);
        expect(box.run(scripts.delete).status).toBe(0);
    });

    it("kubeconfig prints the engine's kubeconfig", () => {
        const box = sandbox(engine, cliVersion);
        expect(box.run(scripts.kubeconfig).stdout).toBe("apiVersion: v1\n");
    });
});

describe("collector readiness wait", () => {
    it("returns once the health endpoint answers 200, and fails after its timeout otherwise", async () => {
        let hits = 0;
        const server = http.createServer((_req, res) => { hits++; res.statusCode = hits < 3 ? 503 : 200; res.end(); });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as any).port;
        const ok = await new Promise<number | null>((resolve) => {
            const child = require("child_process").spawn("/bin/sh", ["-c", waitForHttpOkScript(10)], { env: { ...process.env, KUBETRACING_HEALTH_URL: `http://127.0.0.1:${port}/` } });
            child.on("exit", resolve);
        });
        server.close();
        expect(ok).toBe(0);
        expect(hits).toBe(3);
        const closed = spawnSync("/bin/sh", ["-c", waitForHttpOkScript(1)], { env: { ...process.env, KUBETRACING_HEALTH_URL: `http://127.0.0.1:${port}/` }, encoding: "utf8" });
        expect(closed.status).toBe(1);
        expect(closed.stderr).toMatch(/the Collector did not answer .* within 1s/);
    });
});
