// Drives real etcd and containerd with the settings the stack renders (only the Collector address
// changed to a local receiver). Shared by the real-binaries tests and scripts/bench-spans.ts.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, stringify } from "yaml";
import { file, hasRole, renderOf, yamlOf } from "../helpers";
import { freePort, sleep, start, Suite, tempDir } from "./harness";

export type Arg = [name: string, value: string];

/** The --etcd-arg pairs of a rendered k3d config. */
export function k3dEtcdArgs(raw: Record<string, unknown>): Arg[] {
    const cfg = yamlOf(renderOf({ engine: "k3d", ...raw }), "cluster-config");
    return cfg.options.k3s.extraArgs
        .map((a: any) => a.arg as string)
        .filter((a: string) => a.startsWith("--etcd-arg="))
        .map((a: string) => {
            const [name, ...value] = a.slice("--etcd-arg=".length).split("=");
            return [name, value.join("=")] as Arg;
        });
}

/** kubeadm's etcd.local.extraArgs of a rendered kind config (map in v1beta3, list in v1beta4). */
export function kindEtcdArgs(raw: Record<string, unknown>): Arg[] {
    const cfg = yamlOf(renderOf({ engine: "kind", ...raw }), "cluster-config");
    const cc = cfg.kubeadmConfigPatches.map((p: string) => parseYaml(p)).find((p: any) => p.kind === "ClusterConfiguration");
    const extra = cc.etcd.local.extraArgs;
    return Array.isArray(extra) ? extra.map((a: any) => [a.name, a.value]) : Object.entries(extra);
}

export const pointAt = (args: Arg[], receiver: string): Arg[] => args.map(([n, v]) => [n, n.endsWith("distributed-tracing-address") ? receiver : v]);

/**
 * k3s writes each --etcd-arg into etcd's YAML config file, typing the value on the way
 * (k3s pkg/daemons/executor/executor.go, ToConfigFile): whole numbers become integers,
 * true/false booleans, durations only for time-like keys, everything else a string.
 */
export function k3sEtcdConfigValue(key: string, value: string): unknown {
    if (/^-?\d+$/.test(value)) return Number(value);
    if (/time|duration|interval|retention/i.test(key) && /^\d+(ns|us|ms|s|m|h)$/.test(value)) return value;
    if (/^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
    return value;
}

export interface EtcdRun {
    client: string;
    etcd: ReturnType<typeof start>;
    dir: string;
}

export async function startEtcd(etcdBin: string, mode: "k3s-config-file" | "command-line", args: Arg[]): Promise<EtcdRun> {
    const dir = tempDir("etcd");
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const client = `http://127.0.0.1:${clientPort}`;
    const base: Record<string, unknown> = {
        name: "default",
        "data-dir": path.join(dir, "data"),
        "listen-client-urls": client,
        "advertise-client-urls": client,
        "listen-peer-urls": `http://127.0.0.1:${peerPort}`,
        "initial-advertise-peer-urls": `http://127.0.0.1:${peerPort}`,
        "initial-cluster": `default=http://127.0.0.1:${peerPort}`,
    };
    let etcd;
    if (mode === "k3s-config-file") {
        const config = { ...base, ...Object.fromEntries(args.map(([k, v]) => [k, k3sEtcdConfigValue(k, v)])) };
        fs.writeFileSync(path.join(dir, "config.yaml"), stringify(config));
        etcd = start(etcdBin, ["--config-file", path.join(dir, "config.yaml")]);
    } else {
        etcd = start(etcdBin, [...Object.entries(base).map(([k, v]) => `--${k}=${v}`), ...args.map(([k, v]) => `--${k}=${v}`)]);
    }
    return { client, etcd, dir };
}

export async function waitForEtcd(run: EtcdRun, etcdctl: string): Promise<void> {
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
        if (run.etcd.process.exitCode !== null) throw new Error(`etcd exited ${run.etcd.process.exitCode}: ${run.etcd.stderr().slice(-1500)}`);
        if (spawnSync(etcdctl, ["--endpoints", run.client, "endpoint", "health"], { encoding: "utf8" }).status === 0) return;
        await sleep(100);
    }
    throw new Error(`etcd did not become healthy: ${run.etcd.stderr().slice(-1500)}`);
}

export function putAndGet(run: EtcdRun, etcdctl: string): void {
    for (const args of [
        ["put", "kubetracing", "hello"],
        ["get", "kubetracing"],
    ]) {
        const r = spawnSync(etcdctl, ["--endpoints", run.client, ...args], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`etcdctl ${args.join(" ")}: ${r.stderr}`);
    }
}

export const RENDERED_COLLECTOR = /http:\/\/kubetracing-test-collector:4318/g;

/** The env k3s hands containerd: the rendered CONTAINERD_* node env with the prefix stripped (k3s pkg/agent/containerd). */
export function k3sContainerdEnv(raw: Record<string, unknown>, receiverUrl: string): Record<string, string> {
    const cfg = yamlOf(renderOf({ engine: "k3d", ...raw }), "cluster-config");
    return Object.fromEntries(
        (cfg.env ?? [])
            .map((e: any) => e.envVar as string)
            .filter((v: string) => v.startsWith("CONTAINERD_"))
            .map((v: string) => {
                const [key, ...value] = v.slice("CONTAINERD_".length).split("=");
                return [key, value.join("=").replace(RENDERED_COLLECTOR, receiverUrl)];
            }),
    );
}

/** The env systemd gives containerd from the rendered kind drop-in's Environment= lines. */
export function kindDropInEnv(raw: Record<string, unknown>, receiverUrl: string): Record<string, string> {
    const dropIn = file(renderOf({ engine: "kind", ...raw }), "containerd-systemd-dropin");
    return Object.fromEntries(
        dropIn
            .split("\n")
            .filter((l) => l.startsWith("Environment="))
            .map((l) => {
                const [key, ...value] = JSON.parse(l.slice("Environment=".length)).split("=");
                return [key, value.join("=").replace(RENDERED_COLLECTOR, receiverUrl)];
            }),
    );
}

/** The rendered tracing TOML: k3s's template minus its `{{ template "base" . }}` line, or kind's patch. */
export function renderedToml(raw: Record<string, unknown>, receiverUrl: string): string {
    const r = renderOf(raw);
    const toml = hasRole(r, "containerd-config-template")
        ? file(r, "containerd-config-template").replace(/^\{\{ template "base" \. \}\}\n/m, "")
        : file(r, "containerd-config-patch");
    return toml.replace(RENDERED_COLLECTOR, receiverUrl);
}

export interface Containerd {
    socket: string;
    stop(): Promise<void>;
    stderr(): string;
}

/** containerd as root with its own root, state and socket under a temp dir; native snapshotter, so no overlayfs is needed. */
export async function startContainerd(suite: Suite, env: Record<string, string>, tracingToml = ""): Promise<Containerd> {
    const dir = tempDir("containerd");
    const socket = path.join(dir, "containerd.sock");
    const config = [
        "version = 2",
        `root = "${dir}/root"`,
        `state = "${dir}/state"`,
        "[grpc]",
        `  address = "${socket}"`,
        `[plugins."io.containerd.grpc.v1.cri".containerd]`,
        `  snapshotter = "native"`,
        "",
        tracingToml,
    ].join("\n");
    fs.writeFileSync(path.join(dir, "config.toml"), config);
    const proc = start(suite.bin("containerd"), ["--config", path.join(dir, "config.toml")], env);
    const deadline = Date.now() + 15000;
    while (!fs.existsSync(socket)) {
        if (proc.process.exitCode !== null || Date.now() > deadline) throw new Error(`containerd did not start: ${proc.stderr().slice(-1500)}`);
        await sleep(50);
    }
    return { socket, stop: () => proc.stop(), stderr: proc.stderr };
}

/** One CRI call (ImageService/ListImages, an empty request) over the socket, with grpc-js and no proto files. */
export async function criListImages(socket: string): Promise<void> {
    const grpc = require("@grpc/grpc-js");
    const client = new grpc.Client(`unix://${socket}`, grpc.credentials.createInsecure());
    try {
        await new Promise<void>((resolve, reject) =>
            client.makeUnaryRequest(
                "/runtime.v1.ImageService/ListImages",
                (x: Buffer) => x,
                (x: Buffer) => x,
                Buffer.alloc(0),
                (err: Error | null) => (err ? reject(err) : resolve()),
            ),
        );
    } finally {
        client.close();
    }
}

export function ctr(suite: Suite, socket: string, ...args: string[]): void {
    const r = spawnSync(suite.bin("ctr"), ["--address", socket, ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`ctr ${args.join(" ")}: ${r.stderr}`);
}
