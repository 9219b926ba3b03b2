// The cluster tier: real kind clusters from node images built here (scripts/node-image.sh), created by
// the rendered create script exactly as the cluster Command runs it, on the backend as the stack runs
// it; `npm run verify` with a real test pod; the node agent applied for real; the delete script; and a
// negative control. Only a whole cluster shows that the four components' settings work together.
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { Cluster, ClusterTools, createCluster, describeWithCluster, nodeNames, tempDir } from "./harness";
import { PROJECT_DIR } from "../helpers";
import { jaegerSpans, runVerifyIn } from "../trace-path/harness";

const VERIFY_TIMEOUT_SECONDS = "240";
const AGENT = { namespace: "kubetracing", name: "kubetracing-node-agent" };

/** kind load: the test pod's (and the agent's) images reach the nodes' containerd, as they would from a registry. */
function kindLoad(cluster: Cluster, ...images: string[]) {
    const r = spawnSync("kind", ["load", "docker-image", "--name", cluster.name, ...images], { env: cluster.env, encoding: "utf8", timeout: 300_000 });
    if (r.status !== 0) throw new Error(`kind load docker-image ${images.join(" ")}: ${r.stderr}`);
}

/** What is left of a cluster on the machine: its node containers, kind's own network, a kubeconfig entry, the state directory. */
function leftovers(cluster: Cluster): string[] {
    const docker = (...args: string[]) => spawnSync("docker", args, { env: cluster.env, encoding: "utf8" }).stdout.trim();
    const left: string[] = [];
    const containers = docker("ps", "-a", "--filter", `label=io.x-k8s.kind.cluster=${cluster.name}`, "--format", "{{.Names}}");
    if (containers) left.push(`containers ${containers.split("\n").join(", ")}`);
    if (docker("network", "ls", "--filter", "name=^kind$", "--format", "{{.Name}}")) left.push("kind's own network");
    const userKubeconfig = `${cluster.home}/.kube/config`;
    if (fs.existsSync(userKubeconfig) && fs.readFileSync(userKubeconfig, "utf8").includes(cluster.name)) left.push(`an entry in ${userKubeconfig}`);
    if (fs.existsSync(cluster.stateDir)) left.push(`the state directory ${cluster.stateDir}`);
    return left;
}

/** The kubeadm config kind wrote on the control-plane node: its own template with our kubeadmConfigPatches merged in. */
function mergedKubeadmConfig(cluster: Cluster): string {
    const r = spawnSync("docker", ["exec", `${cluster.name}-control-plane`, "cat", "/kind/kubeadm.conf"], { env: cluster.env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`reading /kind/kubeadm.conf: ${r.stderr}`);
    return r.stdout;
}

/**
 * `kubeadm config validate` of the node's own kubeadm (the minor's, from tools/kubernetes-MINOR): unlike
 * `kubeadm init`, which only warns about an unknown field, it decodes strictly and fails
 * (k8s.io/kubernetes cmd/kubeadm/app/util/config/common.go ValidateConfig, strictErrors).
 */
function kubeadmValidate(cluster: Cluster, config: string) {
    const script = "cat > /tmp/kubetracing-kubeadm.conf && kubeadm config validate --config /tmp/kubetracing-kubeadm.conf";
    return spawnSync("docker", ["exec", "-i", `${cluster.name}-control-plane`, "sh", "-c", script], {
        env: cluster.env,
        input: config,
        encoding: "utf8",
        timeout: 60_000,
    });
}

/** The merged config passes the minor's kubeadm, and the same config with one unknown field does not (the negative control). */
function expectKubeadmAccepts(cluster: Cluster) {
    const merged = mergedKubeadmConfig(cluster);
    // Our patches are in it: the API server's tracing file, etcd's tracing flags, the kubelet's tracing block.
    for (const ours of ["tracing-config-file", "distributed-tracing-address", "samplingRatePerMillion"]) expect(merged).toContain(ours);
    const accepted = kubeadmValidate(cluster, merged);
    expect([accepted.status, accepted.stdout.trim().split("\n").pop()]).toEqual([0, "ok"]);
    const unknownField = merged.replace(/^kind: ClusterConfiguration$/m, "kind: ClusterConfiguration\nkubetracingUnknownField: true");
    expect(unknownField).not.toBe(merged);
    const refused = kubeadmValidate(cluster, unknownField);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/unknown field "kubetracingUnknownField"/);
}

describeWithCluster("real kind clusters from our node images", (tools: ClusterTools) => {
    const figures: string[] = [];
    afterAll(() => process.stdout.write(`cluster figures:\n${figures.join("\n")}\n`));

    // 1.34 (the default minor): the stack's defaults, the control plane sending to the backend Collector.
    describe("Kubernetes 1.34, the default stack", () => {
        let cluster: Cluster;
        beforeAll(async () => {
            cluster = await createCluster(tools, "1.34", `c134x${process.pid}`, { config: { workers: 0 } });
            figures.push(`1.34: create script (kind create --wait) ${cluster.createMs} ms`);
        });
        afterAll(() => {
            cluster?.destroy();
            cluster?.backend.remove();
        });

        it("comes up Ready with the rendered config, which needs no cgroup v1 variant (kubelet 1.34 runs on v1)", () => {
            expect(cluster.kubectl(["get", "nodes", "-o", "jsonpath={.items[*].status.conditions[?(@.type=='Ready')].status}"]).trim()).toBe("True");
            expect(cluster.createStderr).not.toContain("kubetracing: note: the Docker host runs cgroup v1");
        });

        it("kubeadm 1.34 accepts the config kind merged our patches into, and refuses it with an unknown field", () => {
            expectKubeadmAccepts(cluster);
        });

        it("npm run verify, with the real test pod, finds etcd, apiserver, kubelet and containerd", () => {
            kindLoad(cluster, tools.images.pod);
            const r = runVerifyIn(cluster.env, cluster.outputs, "--pod-image", tools.images.pod, "--timeout", VERIFY_TIMEOUT_SECONDS, "--json");
            const report = JSON.parse(r.stdout);
            expect(report.error).toBeUndefined();
            expect(report.components.map((c: { component: string; spans: number }) => [c.component, c.spans > 0])).toEqual([
                ["etcd", true],
                ["apiserver", true],
                ["kubelet", true],
                ["containerd", true],
            ]);
            // Read from this cluster's traces: kind's admin is not in system:masters, so the API server links its traces to verify's.
            expect(report.edges.map((e: { edge: string; joined: boolean; via: string }) => [e.edge, e.joined, e.via])).toEqual([
                ["apiserver → etcd", true, "linked from verify's request"],
                ["kubelet → containerd", true, "the test pod's start"],
            ]);
            expect(r.status).toBe(0);
            figures.push(
                `1.34: spans found by verify ${report.components.map((c: { component: string; spans: number }) => `${c.component} ${c.spans}`).join(", ")}`,
            );
        });

        it("npm run explain tells the test pod's start: every step, their durations covering at least 90 % of it", () => {
            const dir = tempDir("explain");
            const outputsFile = path.join(dir, "outputs.json");
            fs.writeFileSync(outputsFile, JSON.stringify(cluster.outputs));
            const r = spawnSync(
                path.join(PROJECT_DIR, "node_modules", ".bin", "ts-node"),
                ["--transpile-only", path.join(PROJECT_DIR, "scripts", "explain.ts"), "--outputs", outputsFile, "--pod-image", tools.images.pod, "--json"],
                { cwd: PROJECT_DIR, env: cluster.env, encoding: "utf8", timeout: 180_000 },
            );
            expect(r.stderr).toBe("");
            const start = JSON.parse(r.stdout);
            const names = start.rows.map((row: { component: string; name: string }) => `${row.component} ${row.name}`);
            for (const step of [
                "apiserver POST /api/v1/namespaces/{:namespace}/pods",
                "etcd etcdserverpb.KV/Txn",
                "kubelet syncPod",
                "containerd runtime.v1.RuntimeService/RunPodSandbox",
                "containerd runtime.v1.ImageService/ImageStatus",
                "containerd runtime.v1.RuntimeService/CreateContainer",
                "containerd runtime.v1.RuntimeService/StartContainer",
            ]) {
                expect(names).toContain(step);
            }
            const explained = start.criticalPath.reduce((sum: number, step: { ms: number }) => sum + step.ms, 0);
            expect(explained / start.totalMs).toBeGreaterThanOrEqual(0.9);
            // The API's own times (creationTimestamp → the container's startedAt) are to the second.
            expect(Math.abs(start.pod.startedMs - start.pod.createdMs - start.totalMs)).toBeLessThanOrEqual(1000);
            expect(r.status).toBe(0);
            figures.push(
                `1.34: the test pod's start ${start.totalMs} ms: ${start.criticalPath.map((s: { step: string; ms: number }) => `${s.step} ${s.ms} ms`).join(", ")}`,
            );
        });

        it("the delete script leaves no container, network, kubeconfig entry or state directory", () => {
            expect(fs.existsSync(cluster.stateDir)).toBe(true);
            expect(cluster.destroy()).toBe(0);
            expect(leftovers(cluster)).toEqual([]);
        });
    });

    // 1.37 (the newest): kubelet refuses this cgroup v1 host unless told; the node agent on two nodes,
    // the control plane sending to it.
    describe("Kubernetes 1.37, two nodes, the node agent in the path", () => {
        let cluster: Cluster;
        let nodes: string[];
        beforeAll(async () => {
            cluster = await createCluster(tools, "1.37", `c137x${process.pid}`, {
                config: { workers: 1, inClusterCollector: true, controlPlaneTraceTarget: "node-agent", agentImage: tools.images.agentImage },
            });
            nodes = nodeNames(cluster);
            figures.push(`1.37: create script (kind create --wait, 2 nodes) ${cluster.createMs} ms`);
        });
        afterAll(() => {
            cluster?.destroy();
            cluster?.backend.remove();
        });

        it("comes up on this cgroup v1 host through the cgroup v1 config, saying why", () => {
            const cgroup = spawnSync("docker", ["info", "--format", "{{.CgroupVersion}}"], { env: cluster.env, encoding: "utf8" }).stdout.trim();
            if (cgroup === "1") expect(cluster.createStderr).toContain("the Docker host runs cgroup v1, which this node image's kubelet refuses by default");
            else expect(cluster.createStderr).not.toContain("cgroup v1");
            expect(nodes).toHaveLength(2);
            expect(cluster.kubectl(["get", "nodes", "-o", "jsonpath={.items[*].status.conditions[?(@.type=='Ready')].status}"]).trim()).toBe("True True");
        });

        it("kubeadm 1.37 accepts the config kind merged our patches into (v1beta4), and refuses it with an unknown field", () => {
            expectKubeadmAccepts(cluster);
        });

        it("the node agent's objects, applied server-side, run a pod on every node", () => {
            kindLoad(cluster, tools.images.agentImage, tools.images.pod);
            const objects = Object.values(cluster.backend.rendered.inClusterCollector!.objects);
            cluster.kubectl(
                ["apply", "--server-side", "--field-manager=kubetracing-tests", "-f", "-"],
                JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }),
            );
            cluster.kubectl(["-n", AGENT.namespace, "rollout", "status", `daemonset/${AGENT.name}`, "--timeout=240s"]);
            const pods = JSON.parse(cluster.kubectl(["-n", AGENT.namespace, "get", "pods", "-o", "json"])).items;
            expect(pods.map((p: any) => [p.spec.nodeName, p.status.phase]).sort()).toEqual(nodes.map((n) => [n, "Running"]));
        });

        it("npm run verify finds all four components through the agents", () => {
            const r = runVerifyIn(cluster.env, cluster.outputs, "--pod-image", tools.images.pod, "--timeout", VERIFY_TIMEOUT_SECONDS, "--json");
            const report = JSON.parse(r.stdout);
            expect(report.error).toBeUndefined();
            expect(report.components.filter((c: { spans: number }) => c.spans === 0)).toEqual([]);
            expect(r.status).toBe(0);
        });

        it("kubelet spans come from both nodes, and kubelet and containerd spans carry k8s.node.name from the agent", async () => {
            // Each kubelet traces on its own schedule: wait until both have spans in Jaeger.
            const kubeletNodes = async () =>
                [...new Set((await jaegerSpans(cluster.backend.jaegerUrl, "kubelet")).map((s) => s.resource["k8s.node.name"]))].sort();
            const deadline = Date.now() + 120_000;
            while ((await kubeletNodes()).length < nodes.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2000));
            expect(await kubeletNodes()).toEqual(nodes);
            const containerd = await jaegerSpans(cluster.backend.jaegerUrl, "containerd");
            expect(containerd.length).toBeGreaterThan(0);
            expect(containerd.every((s) => nodes.includes(s.resource["k8s.node.name"]))).toBe(true);
        });

        it("the delete script leaves no container, network, kubeconfig entry or state directory", () => {
            expect(cluster.destroy()).toBe(0);
            expect(leftovers(cluster)).toEqual([]);
        });
    });

    // A negative control: the same stack with its tracing endpoint pointing nowhere sends nothing, and verify says so.
    describe("negative control: the cluster's tracing endpoint points nowhere", () => {
        let cluster: Cluster;
        beforeAll(async () => {
            const stack = `n134x${process.pid}`;
            cluster = await createCluster(tools, "1.34", stack, {
                config: { workers: 0 },
                editCreateScript: (script) => script.replaceAll(`kubetracing-${stack}-collector:`, "kubetracing-nowhere-collector:"),
            });
        });
        afterAll(() => {
            cluster?.destroy();
            cluster?.backend.remove();
        });

        it("verify exits 1, naming every component as missing", () => {
            kindLoad(cluster, tools.images.pod);
            const r = runVerifyIn(cluster.env, cluster.outputs, "--pod-image", tools.images.pod, "--timeout", "60");
            expect(r.stdout.match(/^MISSING \w+/gm)).toEqual(["MISSING etcd", "MISSING apiserver", "MISSING kubelet", "MISSING containerd"]);
            expect(r.status).toBe(1);
        });
    });
});
