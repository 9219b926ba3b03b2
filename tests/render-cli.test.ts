import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { render } from "../scripts/render";
import { PROJECT_DIR, useTempDirs } from "./helpers";

const tmp = useTempDirs("render");
const renderCli = (args: string[]) =>
    spawnSync(path.join(PROJECT_DIR, "node_modules/.bin/ts-node"), ["--transpile-only", "--swc", "scripts/render.ts", ...args], {
        cwd: PROJECT_DIR,
        encoding: "utf8",
        timeout: 60_000,
    });
const stackFile = (text: string, name = "Pulumi.t.yaml") => {
    const f = path.join(tmp("stack"), name);
    fs.writeFileSync(f, text);
    return f;
};

describe("npm run render", () => {
    it("writes every artifact of the dev stack and indexes them in render.json", () => {
        const out = tmp();
        const { files } = render(["--stack", "dev", "--out", out]);
        const index = JSON.parse(fs.readFileSync(path.join(out, "render.json"), "utf8"));
        expect(index).toMatchObject({ project: "kubetracing", stack: "dev", engine: "kind", clusterName: "kubetracing-dev", network: "kubetracing-dev-net" });
        for (const fileName of Object.values(index.artifacts) as string[]) expect(fs.existsSync(path.join(out, fileName))).toBe(true);
        expect(Object.keys(index.artifacts)).toEqual(
            expect.arrayContaining([
                "collector-config",
                "jaeger-config",
                "cluster-config",
                "apiserver-tracing-config",
                "kubelet-config",
                "etcd-args",
                "containerd-env",
            ]),
        );
        expect(files).toContain("render.json");
    });

    it.each([["--help"], ["-h"]])("%s prints the usage and options on stdout and exits 0", (flag) => {
        const r = renderCli([flag]);
        expect([r.status, r.stderr]).toEqual([0, ""]);
        expect(r.stdout).toMatch(/^usage: npm run render -- \(--stack NAME \| --config Pulumi\.NAME\.yaml\) --out DIR\n/);
        for (const option of ["  --stack", "  --config", "  --out", "-h, --help"]) expect(r.stdout).toContain(option);
    });

    it("refuses a stack that has no file, naming the file", () => {
        expect(() => render(["--stack", "nofile", "--out", tmp()])).toThrow(/no stack file .*Pulumi\.nofile\.yaml$/);
    });

    it("reads any Pulumi.<stack>.yaml with --config, kind included", () => {
        const dir = tmp();
        const file = path.join(dir, "Pulumi.ci-kind.yaml");
        fs.writeFileSync(file, "config:\n  kubetracing:engine: kind\n  kubetracing:kubernetesVersion: '1.29.2'\n  kubetracing:workers: 0\n");
        const out = path.join(dir, "out");
        render(["--config", file, "--out", out]);
        const index = JSON.parse(fs.readFileSync(path.join(out, "render.json"), "utf8"));
        expect(index).toMatchObject({ stack: "ci-kind", engine: "kind", kubernetesVersion: "1.29.2", clusterName: "kubetracing-ci-kind" });
        expect(index.artifacts).toMatchObject({
            "cluster-config": "kind-config.yaml",
            "containerd-systemd-dropin": "containerd-otel.conf",
            "containerd-config-patch": "containerd-config-patch.toml",
        });
        expect(index.notes.join("\n")).toMatch(/etcd 3\.5\.10 has no sampling-rate flag/);
    });

    it("fails with the same message as pulumi up on bad config, and writes nothing", () => {
        const dir = tmp();
        const file = path.join(dir, "Pulumi.bad.yaml");
        fs.writeFileSync(file, "config:\n  kubetracing:engine: minikube\n");
        const out = path.join(dir, "out");
        const r = renderCli(["--config", file, "--out", out]);
        expect(r.status).toBe(2);
        expect(r.stderr).toContain('kubetracing:engine = "minikube": accepted k3d or kind');
        expect(fs.existsSync(out)).toBe(false);
    });

    it("prints the settings' warnings", () => {
        const r = renderCli(["--config", stackFile("config:\n  kubetracing:hostBindAddress: 0.0.0.0\n"), "--out", tmp()]);
        expect(r.status).toBe(0);
        expect(r.stderr).toMatch(/^warning: kubetracing:hostBindAddress = 0\.0\.0\.0: .* no authentication/m);
    });

    it.each([
        [["--out", "/tmp/x"]],
        [["--stack", "dev"]],
        [["--bogus", "1"]],
        [["--stack", "dev", "--config", "Pulumi.dev.yaml", "--out", "x"]],
        [["--stack", "dev", "--out", "x", "extra"]],
    ])("explains its usage for %j", (argv) => {
        expect(() => render(argv)).toThrow(/usage: npm run render/);
    });

    it("refuses a stack name that would reach outside the project", () => {
        expect(() => render(["--stack", "../../etc/x", "--out", tmp()])).toThrow(/--stack "..\/..\/etc\/x": a stack name has letters, digits/);
    });
});

describe("render --out", () => {
    it("refuses, at once, a directory it cannot create (under /proc mkdir -p would spin)", () => {
        const started = Date.now();
        const r = renderCli(["--stack", "dev", "--out", "/proc/kubetracing-render/out"]);
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(/^render: --out \/proc\/kubetracing-render\/out: cannot create \/proc\/kubetracing-render \(ENOENT\)/);
        expect(Date.now() - started).toBeLessThan(30_000);
    });

    it("refuses a path that is a file", () => {
        const file = stackFile("x");
        expect(() => render(["--stack", "dev", "--out", path.join(file, "out")])).toThrow(/exists and is not a directory/);
    });

    it("refuses a non-empty directory that holds no earlier render, touching nothing in it", () => {
        const out = tmp();
        fs.writeFileSync(path.join(out, "notes.txt"), "mine");
        expect(() => render(["--stack", "dev", "--out", out])).toThrow(/is not empty and holds no render\.json of an earlier render/);
        expect(fs.readdirSync(out)).toEqual(["notes.txt"]);
    });

    it("over an earlier render: removes the files it listed, so none of them lingers", () => {
        const out = tmp();
        render([
            "--config",
            stackFile("config:\n  kubetracing:engine: kind\n  kubetracing:kubernetesVersion: '1.29.2'\n", "Pulumi.kind-old.yaml"),
            "--out",
            out,
        ]);
        expect(fs.existsSync(path.join(out, "containerd-config-patch.toml"))).toBe(true);
        fs.writeFileSync(path.join(out, "mine.txt"), "kept");
        render(["--config", stackFile("config:\n  kubetracing:engine: k3d\n", "Pulumi.k3d-new.yaml"), "--out", out]);
        expect(fs.existsSync(path.join(out, "containerd-config-patch.toml"))).toBe(false);
        expect(fs.existsSync(path.join(out, "kind-config.yaml"))).toBe(false);
        expect(fs.readFileSync(path.join(out, "mine.txt"), "utf8")).toBe("kept");
        expect(JSON.parse(fs.readFileSync(path.join(out, "render.json"), "utf8")).engine).toBe("k3d");
    });

    it("never writes through a symlink", () => {
        const out = tmp();
        const victim = path.join(tmp("victim"), "precious.txt");
        fs.writeFileSync(victim, "precious");
        fs.symlinkSync(victim, path.join(out, "collector-config.yaml"));
        fs.writeFileSync(path.join(out, "render.json"), JSON.stringify({ artifacts: {} }));
        expect(() => render(["--stack", "dev", "--out", out])).toThrow(/collector-config\.yaml already exists and is not from an earlier render/);
        expect(fs.readFileSync(victim, "utf8")).toBe("precious");
    });

    it("removes a listed symlink itself, never its target, and nothing outside the directory", () => {
        const out = tmp();
        const outside = tmp("outside");
        const victim = path.join(outside, "precious.txt");
        fs.writeFileSync(victim, "precious");
        fs.symlinkSync(victim, path.join(out, "collector-config.yaml"));
        fs.writeFileSync(
            path.join(out, "render.json"),
            JSON.stringify({ artifacts: { a: "collector-config.yaml", b: `../${path.basename(outside)}/precious.txt`, c: victim } }),
        );
        render(["--stack", "dev", "--out", out]);
        expect(fs.readFileSync(victim, "utf8")).toBe("precious");
        expect(fs.lstatSync(path.join(out, "collector-config.yaml")).isSymbolicLink()).toBe(false);
    });
});
