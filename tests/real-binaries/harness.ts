// Shared by the real-binaries tier: the binaries from scripts/fetch-binaries.sh, a real OTLP
// receiver (@elastic/mockotlpserver), and the processes under test.
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { useTempDirs } from "../helpers";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");

export interface Suite {
    /** Where the binaries come from: a Debian suite (trixie, sid) or a tools/ module (etcd-3.6, containerd-2.3…). */
    name: string;
    bin: (tool: string) => string;
    etcd: string;
    containerd: string;
}

export type Binaries = { ok: true; suites: Suite[] } | { ok: false; reason: string };

/** Runs the fetch script (a no-op once cached). Synchronous: the tier decides at load time whether to run. */
export function obtainBinaries(): Binaries {
    const r = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "fetch-binaries.sh")], { encoding: "utf8" });
    if (r.status !== 0) return { ok: false, reason: (r.stderr || `fetch-binaries exited ${r.status}`).trim() };
    const cache = r.stdout.trim();
    const suites = (["trixie", "sid"] as const).map((name) => {
        const versions = Object.fromEntries(
            fs
                .readFileSync(path.join(cache, name, "versions"), "utf8")
                .trim()
                .split("\n")
                .map((l) => l.split("=")),
        );
        return { name, bin: (tool: string) => path.join(cache, name, "root", "usr", "bin", tool), etcd: versions.etcd, containerd: versions.containerd };
    });
    return { ok: true, suites };
}

/**
 * etcd and containerd built from their Go modules at the versions the pinned node images carry
 * (scripts/fetch-tools.sh; tools/etcd-*, tools/containerd-*), each a Suite of its own directory.
 */
export function obtainModuleBuilds(): Binaries {
    const modules = fs.readdirSync(path.join(PROJECT_DIR, "tools"));
    const names = [...modules.filter((d) => d.startsWith("etcd-")), ...modules.filter((d) => d.startsWith("containerd-"))];
    const tools = obtainTools(...names);
    if (!tools.ok) return tools;
    const bin = tools.value;
    const version = (program: string, args: string[], pattern: RegExp) => pattern.exec(spawnSync(program, args, { encoding: "utf8" }).stdout)?.[1] ?? "";
    return {
        ok: true,
        suites: names.map((name) => {
            const at = (tool: string) => path.join(bin, name, tool);
            return name.startsWith("etcd-")
                ? { name, bin: at, etcd: version(at("etcd"), ["--version"], /^etcd Version: (\S+)/m), containerd: "" }
                : { name, bin: at, etcd: "", containerd: version(at("containerd"), ["--version"], / v?(\d+\.\d+\.\d+)/) };
        }),
    };
}

export type Obtained<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Outside CI a machine without what the tests need skips them and says why; in CI that is a failure. */
export function describeIfObtained<T>(title: string, obtained: Obtained<T>, body: (value: T) => void): void {
    if (obtained.ok) {
        describe(title, () => body(obtained.value));
    } else if (process.env.CI === "true") {
        it(`${title}: what it runs is available`, () => {
            throw new Error(`CI must run the real-binaries tier, but: ${obtained.reason}`);
        });
    } else {
        // Straight to stderr: jest does not show console output of a file whose tests are all skipped.
        process.stderr.write(`Skipping "${title}" (outside CI): ${obtained.reason}\n`);
        describe.skip(title, () => it("needs what it runs", () => undefined));
    }
}

export function describeWithBinaries(title: string, body: (suites: Suite[]) => void, obtain: () => Binaries = obtainBinaries): void {
    const binaries = obtain();
    describeIfObtained(title, binaries.ok ? { ok: true, value: binaries.suites } : binaries, body);
}

/** Builds (or reuses) some of scripts/fetch-tools.sh's tools; their bin directory. */
export function obtainTools(...names: string[]): Obtained<string> {
    const r = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "fetch-tools.sh"), ...names], { encoding: "utf8" });
    if (r.status !== 0) return { ok: false, reason: (r.stderr || `fetch-tools exited ${r.status}`).trim().split("\n").slice(-3).join(" | ") };
    return { ok: true, value: r.stdout.trim().split("\n").pop()! };
}

export interface ReceivedSpan {
    service: string | undefined;
    name: string;
    receivedAt: number;
}

export interface Receiver {
    /** host:port of the OTLP/gRPC and OTLP/HTTP listeners (127.0.0.1, ephemeral ports). */
    grpc: string;
    http: string;
    spans: ReceivedSpan[];
    /** Resolves with the spans once `names` have all arrived from `service`, or rejects after `timeoutMs`. */
    waitFor(service: string, names: string[], timeoutMs: number): Promise<ReceivedSpan[]>;
    close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { MockOtlpServer } = require("@elastic/mockotlpserver");
    const spans: ReceivedSpan[] = [];
    const server = new MockOtlpServer({
        logLevel: "warn",
        services: ["grpc", "http"],
        grpcHostname: "127.0.0.1",
        grpcPort: 0,
        httpHostname: "127.0.0.1",
        httpPort: 0,
        onTrace: (request: any) => {
            for (const rs of request.resourceSpans ?? []) {
                const service = rs.resource?.attributes?.find((a: any) => a.key === "service.name")?.value?.stringValue;
                for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ service, name: s.name, receivedAt: Date.now() });
            }
        },
    });
    await server.start();
    return {
        grpc: new URL(server.grpcUrl).host,
        http: new URL(server.httpUrl).host,
        spans,
        async waitFor(service, names, timeoutMs) {
            const deadline = Date.now() + timeoutMs;
            for (;;) {
                const from = spans.filter((s) => s.service === service);
                if (names.every((n) => from.some((s) => s.name === n))) return from;
                if (Date.now() > deadline) {
                    throw new Error(
                        `no ${names.join(", ")} spans from service ${service} within ${timeoutMs} ms; got ${JSON.stringify(spans.map((s) => [s.service, s.name]))}`,
                    );
                }
                await sleep(100);
            }
        },
        close: () => server.close(),
    };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Per test file, under one directory removed after the file's tests (helpers.ts). */
const temp = useTempDirs("binaries");

export function tempDir(prefix: string): string {
    return temp(prefix);
}

export interface Running {
    process: ChildProcess;
    stderr: () => string;
    exited: Promise<number | null>;
    stop(): Promise<void>;
}

export function start(command: string, args: string[], env: Record<string, string> = {}): Running {
    const child = spawn(command, args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return {
        process: child,
        stderr: () => err,
        exited,
        async stop() {
            if (child.exitCode === null) child.kill("SIGTERM");
            await Promise.race([exited, sleep(5000).then(() => child.kill("SIGKILL"))]);
        },
    };
}

/** Free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
    const net = await import("net");
    return new Promise((resolve) => {
        const s = net.createServer().listen(0, "127.0.0.1", () => {
            const port = (s.address() as any).port;
            s.close(() => resolve(port));
        });
    });
}
