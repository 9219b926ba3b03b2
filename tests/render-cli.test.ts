import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { render } from "../scripts/render";
import { PROJECT_DIR } from "./helpers";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "kt-render-"));

describe("npm run render", () => {
    it("writes every artifact of the dev stack and indexes them in render.json", () => {
        const out = tmp();
        const { files } = render(["--stack", "dev", "--out", out]);
        const index = JSON.parse(fs.readFileSync(path.join(out, "render.json"), "utf8"));
        expect(index).toMatchObject({ project: "kubetracing", stack: "dev", engine: "k3d", clusterName: "kubetracing-dev", network: "kubetracing-dev-net" });
        for (const fileName of Object.values(index.artifacts) as string[]) expect(fs.existsSync(path.join(out, fileName))).toBe(true);
        expect(Object.keys(index.artifacts)).toEqual(expect.arrayContaining(["collector-config", "jaeger-config", "cluster-config", "apiserver-tracing-config", "kubelet-config", "etcd-args", "containerd-env"]));
        expect(files).toContain("render.json");
    });

    it("reads any Pulumi.<stack>.yaml with --config, kind included", () => {
        const dir = tmp();
        const stackFile = path.join(dir, "Pulumi.ci-kind.yaml");
        fs.writeFileSync(stackFile, "config:\n  kubetracing:engine: kind\n  kubetracing:kubernetesVersion: '1.29.2'\n  kubetracing:workers: 0\n");
        const out = path.join(dir, "out");
        render(["--config", stackFile, "--out", out]);
        const index = JSON.parse(fs.readFileSync(path.join(out, "render.json"), "utf8"));
        expect(index).toMatchObject({ stack: "ci-kind", engine: "kind", kubernetesVersion: "1.29.2", clusterName: "kubetracing-ci-kind" });
        expect(index.artifacts).toMatchObject({ "cluster-config": "kind-config.yaml", "containerd-systemd-dropin": "containerd-otel.conf", "containerd-config-patch": "containerd-config-patch.toml" });
        expect(index.notes.join("\n")).toMatch(/etcd 3\.5\.10 has no sampling-rate flag/);
    });

    it("fails with the same message as pulumi up on bad config, and writes nothing", () => {
        const dir = tmp();
        const stackFile = path.join(dir, "Pulumi.bad.yaml");
        fs.writeFileSync(stackFile, "config:\n  kubetracing:engine: minikube\n");
        const out = path.join(dir, "out");
        const r = spawnSync(path.join(PROJECT_DIR, "node_modules/.bin/ts-node"), ["--transpile-only", "scripts/render.ts", "--config", stackFile, "--out", out], { cwd: PROJECT_DIR, encoding: "utf8" });
        expect(r.status).toBe(2);
        expect(r.stderr).toContain('kubetracing:engine = "minikube": accepted k3d or kind');
        expect(fs.existsSync(out)).toBe(false);
    });

    it.each([[["--out", "/tmp/x"]], [["--stack", "dev"]], [["--bogus", "1"]]])("explains its usage for %j", (argv) => {
        expect(() => render(argv)).toThrow(/usage: npm run render/);
    });
});
