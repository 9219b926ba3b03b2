// The rendered engine configs read by the real engine CLIs (built by scripts/fetch-tools.sh), on the
// path each takes before it creates anything:
// - k3d: `k3d config migrate`, which validates the file against the JSON schema k3d embeds for its
//   apiVersion and loads it as `k3d cluster create --config` does (k3d v5.9.0 cmd/config/configMigrate.go:
//   GetSchemaByVersion, ValidateSchemaFile, FromViper);
// - kind: `kind create cluster --config` with a `docker` that only answers the checks kind makes before
//   its first node (kind v0.33.0 pkg/cluster/internal/create/create.go: the strict decode of the config,
//   the provider's `docker info` and `docker ps`, Config.Validate, then "Creating cluster"), so the
//   config is read and validated by kind itself and nothing is created.
// kubeadm reads the patches kind merges into its config in the cluster tier (tests/cluster), on the nodes.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { file, renderOf } from "../helpers";
import { describeIfObtained, obtainTools, tempDir } from "./harness";
import { supportedMinors } from "../../versions/versions";

/** What the real `docker info --format '{{json .}}'` answers in the fields kind reads (pkg/cluster/internal/providers/docker/provider.go Info). */
const DOCKER_INFO = {
    CgroupDriver: "systemd",
    CgroupVersion: "2",
    MemoryLimit: true,
    PidsLimit: true,
    CPUShares: true,
    SecurityOptions: ["name=seccomp,profile=default"],
};

describeIfObtained("the real k3d and kind read the rendered engine configs", obtainTools("k3d", "kind"), (bin) => {
    const k3d = (configText: string) => {
        const config = path.join(tempDir("k3d"), "k3d-config.yaml");
        fs.writeFileSync(config, configText);
        return spawnSync(path.join(bin, "k3d"), ["config", "migrate", config, "-"], {
            encoding: "utf8",
            env: { PATH: process.env.PATH, HOME: tempDir("home") },
        });
    };

    /** kind as `kind create cluster` runs, with a docker that passes kind's checks, has every image, and refuses everything else (so nothing is created). */
    const kind = (configText: string) => {
        const dir = tempDir("kind");
        const fakeBin = path.join(dir, "bin");
        fs.mkdirSync(fakeBin);
        fs.writeFileSync(path.join(dir, "kind-config.yaml"), configText);
        fs.writeFileSync(
            path.join(fakeBin, "docker"),
            `#!/bin/bash
echo "$*" >> ${dir}/docker.log
case "$1" in
  -v|version) echo "Docker version 28.2.2, build e6534b4" ;;
  info) echo '${JSON.stringify(DOCKER_INFO)}' ;;
  ps) ;;
  inspect) [ "$2" = --type=image ] && echo '[{}]' ;;
  *) echo "fake docker: refusing '$*'" >&2; exit 1 ;;
esac
`,
            { mode: 0o755 },
        );
        const r = spawnSync(path.join(bin, "kind"), ["create", "cluster", "--config", "kind-config.yaml", "--retain"], {
            cwd: dir,
            encoding: "utf8",
            env: { PATH: `${fakeBin}:${process.env.PATH}`, HOME: path.join(dir, "home"), KIND_EXPERIMENTAL_PROVIDER: "docker" },
            timeout: 60_000,
        });
        const dockerCalls = fs.existsSync(path.join(dir, "docker.log")) ? fs.readFileSync(path.join(dir, "docker.log"), "utf8").trim().split("\n") : [];
        return { ...r, dockerCalls };
    };

    // Every pinned minor, with each set of traced components the renderers treat apart (containerd alone is refused on k3d).
    const subsets = [["etcd", "apiserver", "kubelet", "containerd"], ["etcd"], ["apiserver"], ["kubelet"], ["apiserver", "etcd"]];
    it.each(supportedMinors("k3d").flatMap((minor) => subsets.map((traced) => [minor, traced] as const)))(
        "k3d accepts the rendered config of k3s %s with %j traced and two agents",
        (minor, traced) => {
            const r = k3d(file(renderOf({ engine: "k3d", kubernetesVersion: minor, tracedComponents: traced, workers: 2 }), "cluster-config"));
            expect([r.status, r.stderr.match(/level=(error|fatal).*|FATA.*/g)]).toEqual([0, null]);
            expect(r.stdout).toMatch(/^apiVersion: k3d\.io\/v1alpha5$/m);
        },
    );

    it("k3d accepts the config of a stack with the node agent and no workers", () => {
        const r = k3d(file(renderOf({ engine: "k3d", workers: 0, inClusterCollector: true, controlPlaneTraceTarget: "node-agent" }), "cluster-config"));
        expect(r.status).toBe(0);
    });

    it.each([
        ["an unknown key", (t: string) => t.replace(/^servers: 1$/m, "servers: 1\nserverz: 2"), /Additional property serverz is not allowed/],
        [
            "a wrong type",
            (t: string) => t.replace(/^agents: 1$/m, "agents: one"),
            /Schema Validation failed for config file .*: - agents: Invalid type. Expected: number, given: string/,
        ],
    ])("negative control: k3d refuses the rendered config with %s", (_what, edit, message) => {
        const rendered = file(renderOf({ engine: "k3d" }), "cluster-config");
        const broken = edit(rendered);
        expect(broken).not.toBe(rendered);
        const r = k3d(broken);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(message);
    });

    it.each(supportedMinors("kind"))("kind validates the rendered config of %s and goes on to create its nodes", (minor) => {
        const rendered = renderOf({ engine: "kind", kubernetesVersion: minor, workers: 2 });
        for (const role of ["cluster-config", "cluster-config-cgroup-v1"].filter((r) => rendered.artifacts.some((a) => a.role === r))) {
            const r = kind(file(rendered, role));
            // Past the config's checks, kind says it creates the cluster, finds the node image and goes to run the first node.
            expect(r.stderr).toContain(`Creating cluster "kubetracing-test" ...`);
            expect(r.dockerCalls.find((c) => c.startsWith("inspect"))).toMatch(/^inspect --type=image kindest\/node:v1\.\d+\.\d+@sha256:/);
            expect(r.dockerCalls.some((c) => /^(run|network)/.test(c))).toBe(true);
        }
    });

    it.each([
        [
            "an unknown field (kind decodes strictly)",
            (t: string) => t.replace(/^name: kubetracing-test$/m, "name: kubetracing-test\nnodez: []"),
            /unable to decode config: yaml: unmarshal errors:\n.*field nodez not found in type v1alpha4.Cluster/,
        ],
        [
            "a node role kind does not know",
            (t: string) => t.replace("- role: worker", "- role: boss"),
            /invalid configuration for node 1: "boss" is not a valid node role/,
        ],
    ])("negative control: kind refuses the rendered config with %s before it creates anything", (_what, edit, message) => {
        const rendered = file(renderOf({ engine: "kind", workers: 1 }), "cluster-config");
        const broken = edit(rendered);
        expect(broken).not.toBe(rendered);
        const r = kind(broken);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).not.toContain("Creating cluster");
    });
});
