// Real kube-apiserver and kubelet (built from k8s.io/kubernetes by scripts/fetch-tools.sh) started
// with the tracing files the stack renders, plus only what they need to serve in a test: a serving
// certificate the apiserver makes itself, a service-account key pair and a token made here, a free port.
import { generateKeyPairSync, randomBytes } from "crypto";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { parse as parseYaml, stringify } from "yaml";
import { freePort, Running, sleep, start, tempDir } from "../real-binaries/harness";

export interface ApiServer {
    url: string;
    process: Running;
    startedAt: number;
    stop(): Promise<void>;
}

export interface HttpsAnswer {
    status: number;
    body: string;
}

/**
 * The test apiserver's one user: a static token (kube-apiserver turns anonymous requests off under
 * the AlwaysAllow authorizer), made afresh for each test run. In system:masters, like k3s's admin: the
 * only callers whose trace context the API server joins (k8s.io/apiserver pkg/endpoints/filters/traces.go).
 */
const TEST_TOKEN = randomBytes(16).toString("hex");

/** One request to the test apiserver, as its one user; its serving certificate is self-signed. */
export function apiRequest(
    url: string,
    method = "GET",
    body?: string,
    contentType = "application/json",
    extraHeaders: Record<string, string> = {},
): Promise<HttpsAnswer> {
    return new Promise((resolve, reject) => {
        const headers: Record<string, string> = { authorization: `Bearer ${TEST_TOKEN}`, ...(body ? { "content-type": contentType } : {}), ...extraHeaders };
        const req = https.request(url, { method, rejectUnauthorized: false, headers, timeout: 10_000 }, (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (d) => (text += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on("timeout", () => req.destroy(new Error(`${method} ${url} timed out`)));
        req.on("error", reject);
        req.end(body);
    });
}

/**
 * kube-apiserver against a real etcd, tracing with `tracingConfig` (the rendered file). Resolves once
 * /readyz answers 200, or rejects with the tail of its log (a refused tracing file ends it early).
 */
export async function startApiServer(binary: string, etcdUrl: string, tracingConfig: string, dir: string, readyTimeoutMs = 90_000): Promise<ApiServer> {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    fs.writeFileSync(path.join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
    fs.writeFileSync(path.join(dir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    fs.writeFileSync(path.join(dir, "tracing.yaml"), tracingConfig);
    fs.writeFileSync(path.join(dir, "tokens.csv"), `${TEST_TOKEN},kubetracing-test,kubetracing-test,"system:masters"\n`, { mode: 0o600 });
    const port = await freePort();
    const startedAt = Date.now();
    const proc = start(binary, [
        `--etcd-servers=${etcdUrl}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${port}`,
        `--cert-dir=${path.join(dir, "certs")}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${path.join(dir, "sa.pub")}`,
        `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
        "--service-cluster-ip-range=10.96.0.0/16",
        "--authorization-mode=AlwaysAllow",
        `--token-auth-file=${path.join(dir, "tokens.csv")}`,
        `--tracing-config-file=${path.join(dir, "tracing.yaml")}`,
    ]);
    const url = `https://127.0.0.1:${port}`;
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
        if (proc.process.exitCode !== null) throw new ApiServerExit(proc.process.exitCode, proc.stderr());
        const ready = await apiRequest(`${url}/readyz?verbose`).catch((err: Error) => ({ status: 0, body: err.message }));
        if (ready.status === 200) break;
        if (Date.now() > deadline) {
            await proc.stop();
            const failing =
                ready.body
                    .split("\n")
                    .filter((l) => l.includes("[-]"))
                    .join("; ") || ready.body.slice(0, 300);
            throw new Error(
                `kube-apiserver not ready in ${readyTimeoutMs} ms (${failing}); its log has ${proc
                    .stderr()
                    .split("\n")
                    .filter((l) => /^E\d{4}/.test(l))
                    .slice(-8)
                    .join("\n")}`,
            );
        }
        await sleep(250);
    }
    return { url, process: proc, startedAt, stop: () => proc.stop() };
}

export class ApiServerExit extends Error {
    constructor(
        readonly code: number | null,
        readonly log: string,
    ) {
        super(`kube-apiserver exited ${code}: ${log.slice(-1500)}`);
    }
}

/** Where the REST API keeps each kind the node agent renders. */
const RESOURCE_PATHS: Record<string, (ns: string | undefined, name: string) => string> = {
    Namespace: (_ns, name) => `/api/v1/namespaces/${name}`,
    ServiceAccount: (ns, name) => `/api/v1/namespaces/${ns}/serviceaccounts/${name}`,
    ConfigMap: (ns, name) => `/api/v1/namespaces/${ns}/configmaps/${name}`,
    ClusterRole: (_ns, name) => `/apis/rbac.authorization.k8s.io/v1/clusterroles/${name}`,
    ClusterRoleBinding: (_ns, name) => `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${name}`,
    DaemonSet: (ns, name) => `/apis/apps/v1/namespaces/${ns}/daemonsets/${name}`,
};

/**
 * Server-side apply with strict field validation: the API server itself refuses an unknown or
 * duplicated field instead of dropping it, which offline schema checks cannot promise.
 */
export async function serverSideApply(apiUrl: string, object: { kind: string; metadata: { name: string; namespace?: string } }): Promise<HttpsAnswer> {
    const where = RESOURCE_PATHS[object.kind];
    if (!where) throw new Error(`no REST path known for kind ${object.kind}`);
    const query = "fieldManager=kubetracing-tests&fieldValidation=Strict&force=true";
    return apiRequest(
        `${apiUrl}${where(object.metadata.namespace, object.metadata.name)}?${query}`,
        "PATCH",
        JSON.stringify(object),
        "application/apply-patch+yaml",
    );
}

export interface Kubelet {
    process: Running;
    startedAt: number;
    stop(): Promise<void>;
}

/**
 * A standalone kubelet (no API server: it only talks to the container runtime) with the rendered
 * KubeletConfiguration; what a test machine lacks (swap off, cgroup QoS hierarchy, a resolv.conf of
 * the node's) is relaxed in the same file, the tracing block is the stack's as rendered.
 */
export async function startKubelet(binary: string, containerdSocket: string, renderedConfig: string, dir: string): Promise<Kubelet> {
    const rendered = parseYaml(renderedConfig);
    const config = {
        ...rendered,
        port: await freePort(),
        healthzPort: await freePort(),
        containerRuntimeEndpoint: `unix://${containerdSocket}`,
        cgroupDriver: "cgroupfs",
        cgroupsPerQOS: false,
        enforceNodeAllocatable: [],
        failSwapOn: false,
        address: "127.0.0.1",
        healthzBindAddress: "127.0.0.1",
        readOnlyPort: 0,
        authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
        authorization: { mode: "AlwaysAllow" },
        resolvConf: "",
        localStorageCapacityIsolation: false,
        // This machine has cgroup v1, which kubelet refuses by default from 1.35 (the field exists from 1.31).
        ...(kubeletMinor(binary) >= 31 ? { failCgroupV1: false } : {}),
    };
    fs.writeFileSync(path.join(dir, "kubelet.yaml"), stringify(config));
    const startedAt = Date.now();
    const proc = start(binary, [
        `--config=${path.join(dir, "kubelet.yaml")}`,
        `--root-dir=${path.join(dir, "root")}`,
        `--cert-dir=${path.join(dir, "pki")}`,
        "--hostname-override=kubetracing-test-node",
        "--v=2",
    ]);
    const stop = async () => {
        await proc.stop();
        // kubelet bind-mounts its root dir onto itself; undo it (deepest first) so the dir can be removed.
        const mounts = fs
            .readFileSync("/proc/self/mounts", "utf8")
            .split("\n")
            .map((l) => l.split(" ")[1] ?? "")
            .filter((m) => m.startsWith(dir));
        for (const m of mounts.sort((a, b) => b.length - a.length)) spawnSync("umount", ["-l", m]);
    };
    return { process: proc, startedAt, stop };
}

/** The minor of a binary named …-1.NN by scripts/fetch-tools.sh. */
const kubeletMinor = (binary: string) => Number(/-1\.(\d+)$/.exec(binary)?.[1] ?? 0);

export { tempDir, freePort };
