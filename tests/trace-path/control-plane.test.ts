// The last two components for real: kube-apiserver and kubelet at the pinned minors, built from
// k8s.io/kubernetes, with the TracingConfiguration and KubeletConfiguration the stack renders,
// sending through the real Collector to the real Jaeger; and the node agent's objects accepted by
// the real API server with strict field validation.
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { file, PROJECT_DIR, renderOf } from "../helpers";
import { kindDropInEnv, kindEtcdArgs, pointAt, startEtcd, waitForEtcd, startContainerd, EtcdRun } from "../real-binaries/drivers";
import { ApiServer, ApiServerExit, apiRequest, serverSideApply, startApiServer, startKubelet, Kubelet, tempDir } from "./control-plane";
import { describeWithTracePath, RunningBackend, startBackend, TracePathTools, waitForEdge, waitForJaegerSpans } from "./harness";
import * as semver from "semver";
import { findRelease } from "../../versions/versions";
import { EDGES } from "../../scripts/edges";
import { newTraceparent } from "../../scripts/verify";

/** One per tools/kubernetes-<minor> module, the binaries scripts/fetch-tools.sh builds. */
export const CONTROL_PLANE_MINORS = fs.readdirSync(path.join(PROJECT_DIR, "tools")).flatMap((d) => /^kubernetes-(1\.\d+)$/.exec(d)?.[1] ?? []);
const SPAN_TIMEOUT_MS = 45_000;

/**
 * The etcd kubeadm runs for a kind minor, where a tools/ module builds its line (etcd-3.6 for 1.34,
 * etcd-3.7 for 1.37); undefined for the 3.5 minors, which run Debian's etcd 3.5.
 */
function moduleEtcd(minor: string): string | undefined {
    const etcd = findRelease("kind", minor)!.etcd;
    const line = `etcd-${semver.major(etcd)}.${semver.minor(etcd)}`;
    return fs.existsSync(path.join(PROJECT_DIR, "tools", line)) ? line : undefined;
}

/**
 * A kind stack at `minor`, every component traced at full sampling. On the 3.5 minors its etcd is
 * Debian's 3.5.30, so the stack names a 3.5 etcd with kindEtcdImage, as a kind user of such an image would.
 */
const stackAt = (minor: string) => ({
    engine: "kind",
    kubernetesVersion: minor,
    samplingRatePerMillion: 1000000,
    ...(moduleEtcd(minor) ? {} : { kindEtcdImage: "registry.k8s.io/etcd:3.5.21-0" }),
});
const withEndpoint = (yaml: string, endpoint: string) => yaml.replace(/endpoint: \S+/, `endpoint: ${endpoint}`);

describeWithTracePath(
    "the real control plane at the pinned minors",
    (tools: TracePathTools) => {
        const [, sid] = tools.suites;
        const figures: string[] = [];
        afterAll(() => process.stdout.write(`control plane figures:\n${figures.join("\n")}\n`));

        it("covers the version boundaries: 1.29 (oldest), 1.33 (last v1beta1 TracingConfiguration), 1.34 (first v1), 1.37 (newest)", () => {
            expect(CONTROL_PLANE_MINORS).toEqual(expect.arrayContaining(["1.29", "1.33", "1.34", "1.37"]));
        });

        describe.each(CONTROL_PLANE_MINORS)("Kubernetes %s", (minor) => {
            const binary = (name: string) => path.join(tools.bin, `${name}-${minor}`);
            let backend: RunningBackend;
            let etcd: EtcdRun;
            let apiserver: ApiServer | undefined;
            let dir: string;

            beforeAll(async () => {
                dir = tempDir(`control-plane-${minor}`);
                backend = startBackend(tools, `cp${minor.replace(".", "")}x${process.pid}`, { config: stackAt(minor) });
                const line = moduleEtcd(minor);
                const etcdBin = (tool: string) => (line ? path.join(tools.bin, line, tool) : sid.bin(tool));
                etcd = await startEtcd(etcdBin("etcd"), "command-line", pointAt(kindEtcdArgs(stackAt(minor)), backend.otlpGrpc));
                await waitForEtcd(etcd, etcdBin("etcdctl"));
            });
            afterAll(async () => {
                await apiserver?.stop();
                await etcd?.etcd.stop();
                backend?.remove();
                fs.rmSync(dir, { recursive: true, force: true });
                if (etcd) fs.rmSync(etcd.dir, { recursive: true, force: true });
            });

            it("kube-apiserver with the rendered TracingConfiguration → apiserver spans in Jaeger", async () => {
                const tracing = withEndpoint(file(renderOf(stackAt(minor)), "apiserver-tracing-config"), backend.otlpGrpc);
                apiserver = await startApiServer(binary("kube-apiserver"), etcd.client, tracing, fs.mkdtempSync(path.join(dir, "apiserver-")));
                const { spans, at } = await waitForJaegerSpans(backend.jaegerUrl, "apiserver", [], SPAN_TIMEOUT_MS);
                expect(spans.length).toBeGreaterThan(0);
                figures.push(
                    `kube-apiserver ${minor}: process start → first span in Jaeger ${at - apiserver.startedAt} ms (${spans.length} spans, e.g. ${spans[0].name})`,
                );
            });

            // The API server joins a caller's trace only for system:masters (and system:monitoring) from 1.32
            // (k8s.io/apiserver v0.34.9 pkg/endpoints/filters/traces.go, WithPublicEndpointFn(notSystemPrivilegedGroup));
            // 1.29's takes every caller as public (v0.29.15: WithPublicEndpoint()): a trace of its own, linked to the caller's.
            it("apiserver → etcd: a create under a traceparent has etcd's write under the API server's span, in the caller's trace from 1.32, linked to it before", async () => {
                expect(apiserver).toBeDefined();
                const trace = newTraceparent();
                const sent = Date.now();
                const body = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `edge-${sent}` } });
                const answer = await apiRequest(`${apiserver!.url}/api/v1/namespaces/default/configmaps`, "POST", body, "application/json", {
                    traceparent: trace.header,
                });
                expect(answer.status).toBe(201);
                const joins = semver.gte(`${minor}.0`, "1.32.0");
                const found = await waitForEdge(
                    backend.jaegerUrl,
                    EDGES[0],
                    { traceId: trace.traceId },
                    sent,
                    (f) => f.via !== "another trace",
                    SPAN_TIMEOUT_MS,
                );
                expect(found.via).toBe(joins ? "verify's request" : "linked from verify's request");
                if (joins) expect(found.traceId).toBe(trace.traceId);
            });

            // The TracingConfiguration apiVersion of the other side of the 1.34 boundary. Upstream
            // (k8s.io/apiserver pkg/apis/apiserver): 1.29–1.33 register v1alpha1 and v1beta1 only, so v1 is
            // refused when the file is decoded at start; 1.34 added v1 and still registers v1beta1 (1.37 too).
            if (Number(minor.split(".")[1]) < 34) {
                it("negative control: a v1 TracingConfiguration (1.34's) makes this kube-apiserver refuse to start", async () => {
                    const v1 = withEndpoint(file(renderOf(stackAt("1.34")), "apiserver-tracing-config"), backend.otlpGrpc);
                    expect(v1).toMatch(/^apiVersion: apiserver.config.k8s.io\/v1$/m);
                    const refused = await startApiServer(binary("kube-apiserver"), etcd.client, v1, fs.mkdtempSync(path.join(dir, "refused-"))).then(
                        async (unexpected) => (await unexpected.stop(), undefined),
                        (err) => err,
                    );
                    expect(refused).toBeInstanceOf(ApiServerExit);
                    // klog quotes the error, escaping its quotes.
                    const message = /failed to read tracing config: unable to decode tracing configuration data: [^\n]*/.exec(
                        refused.log.replace(/\\"/g, '"'),
                    )?.[0];
                    expect(message).toMatch(/no kind "TracingConfiguration" is registered for version "apiserver\.config\.k8s\.io\/v1"/);
                    figures.push(`kube-apiserver ${minor} given apiserver.config.k8s.io/v1 exits ${refused.code}: ${message}`);
                });
            } else {
                it("control: a v1beta1 TracingConfiguration (the pre-1.34 one) is still decoded here: this kube-apiserver starts with it", async () => {
                    const v1beta1 = withEndpoint(file(renderOf(stackAt("1.33")), "apiserver-tracing-config"), backend.otlpGrpc);
                    expect(v1beta1).toMatch(/^apiVersion: apiserver.config.k8s.io\/v1beta1$/m);
                    const other = await startApiServer(binary("kube-apiserver"), etcd.client, v1beta1, fs.mkdtempSync(path.join(dir, "v1beta1-")));
                    await other.stop();
                    expect(other.process.stderr()).not.toMatch(/unable to decode tracing configuration/);
                });
            }

            it("kubelet with the rendered KubeletConfiguration (tracing block) against real containerd with kind's drop-in env → kubelet spans in Jaeger, containerd's CRI spans under them", async () => {
                // kind v0.33.0's containerd (tools/containerd-2.3), with the rendered drop-in's OTEL_* env pointed at the backend.
                const containerd = await startContainerd(
                    { name: "containerd-2.3", bin: (tool) => path.join(tools.bin, "containerd-2.3", tool), etcd: "", containerd: "2.3.4" },
                    kindDropInEnv(stackAt(minor), backend.otlpHttp),
                );
                let kubelet: Kubelet | undefined;
                try {
                    const config = withEndpoint(file(renderOf(stackAt(minor)), "kubelet-config"), backend.otlpGrpc);
                    kubelet = await startKubelet(binary("kubelet"), containerd.socket, config, fs.mkdtempSync(path.join(dir, "kubelet-")));
                    const found = await waitForJaegerSpans(backend.jaegerUrl, "kubelet", [], SPAN_TIMEOUT_MS).catch((err) => {
                        throw new Error(
                            `${err.message}\nkubelet ${kubelet!.process.process.exitCode === null ? "still running" : `exited ${kubelet!.process.process.exitCode}`}; its log ends:\n${kubelet!.process.stderr().slice(-3000)}`,
                        );
                    });
                    figures.push(
                        `kubelet ${minor}: process start → first span in Jaeger ${found.at - kubelet.startedAt} ms (${found.spans.length} spans: ${[...new Set(found.spans.map((x) => x.name))].slice(0, 4).join(", ")})`,
                    );
                    // kubelet → containerd: the kubelet's CRI client spans carry their context to containerd's server spans.
                    const edge = await waitForEdge(backend.jaegerUrl, EDGES[1], {}, kubelet.startedAt, () => true, SPAN_TIMEOUT_MS);
                    expect(edge.via).toBe("another trace");
                } finally {
                    await kubelet?.stop();
                    await containerd.stop();
                }
            });

            it.each(["k3d", "kind"])("the node agent's objects (%s) are accepted by the real API server with strict field validation", async (engine) => {
                expect(apiserver).toBeDefined();
                const manifest = file(renderOf({ engine, kubernetesVersion: minor, inClusterCollector: true }), "in-cluster-collector-manifest");
                const objects = parseAllDocuments(manifest).map((d) => d.toJS());
                expect(objects.map((o) => o.kind)).toEqual(
                    expect.arrayContaining(["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "DaemonSet"]),
                );
                for (const object of objects) {
                    const answer = await serverSideApply(apiserver!.url, object);
                    expect({ kind: object.kind, status: answer.status, body: answer.status < 300 ? "" : answer.body }).toEqual({
                        kind: object.kind,
                        status: expect.any(Number),
                        body: "",
                    });
                }
            });

            it("negative control: the real API server refuses a DaemonSet with a field it does not know", async () => {
                const manifest = file(renderOf({ engine: "kind", kubernetesVersion: minor, inClusterCollector: true }), "in-cluster-collector-manifest");
                const daemonSet = parseAllDocuments(manifest)
                    .map((d) => d.toJS())
                    .find((o) => o.kind === "DaemonSet");
                daemonSet.spec.template.spec.containers[0].imagePullPolicyy = "IfNotPresent";
                const answer = await serverSideApply(apiserver!.url, daemonSet);
                // Server-side apply builds a typed patch against the schema: an unknown field fails there.
                expect(answer.status).toBeGreaterThanOrEqual(400);
                expect(answer.body).toMatch(/imagePullPolicyy: field not declared in schema/);
            });
        });
    },
    [
        ...CONTROL_PLANE_MINORS.flatMap((minor) => [`kube-apiserver-${minor}`, `kubelet-${minor}`]),
        ...new Set(CONTROL_PLANE_MINORS.flatMap((minor) => moduleEtcd(minor) ?? [])),
        "containerd-2.3",
    ],
);
