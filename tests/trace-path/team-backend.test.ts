// kubetracing:exporters for real: the backend Collector, run as the stack runs it (header values
// in its environment, ${env:…} in its config), sends every span to a stand-in team backend (a second
// real Collector on the stack's network that writes each span with the headers it came with) and
// to the local Jaeger. With the team backend stopped, Jaeger still gets every span and the
// Collector's memory stays under its limit: measured from the container's process (VmHWM) and
// docker stats, and printed.
import { execFile, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { collectorEnvironment, QUEUED_SPAN_BYTES, teamQueueSpans } from "../../config-files/team-exporters";
import { stackNames } from "../../stack/names";
import { renderStack } from "../../config-files/render-stack";
import { parseSettings } from "../../settings/settings";
import { file } from "../helpers";
import { tempDir } from "../real-binaries/harness";
import { describeWithTracePath, docker, hostPort, jaegerSpans, RunningBackend, runVerify, startBackend, TracePathTools, waitForJaegerSpans } from "./harness";
import { sendGrpcTestSpan } from "./otlp-client";

/** Header values as `pulumi up` would hand them over, decrypted; found nowhere but where they belong. */
const TOKEN = `Bearer kt-team-token-${randomBytes(6).toString("hex")}`;
const TENANT_GRPC = "tenant-grpc";
const TENANT_HTTP = "tenant-http";
const MEMORY_LIMIT_MIB = 128;
const FLOOD_BATCHES = 20;
const FLOOD_BATCH_SPANS = 1000;

/**
 * The stand-in: the same Collector image, OTLP in with the request's headers kept as client
 * metadata, copied onto every span (attributes processor, from_context), written to a file.
 */
const STAND_IN_CONFIG = `receivers:
  otlp:
    protocols:
      grpc: { endpoint: "0.0.0.0:4317", include_metadata: true }
      http: { endpoint: "0.0.0.0:4318", include_metadata: true }
processors:
  attributes/headers:
    actions:
      - { key: team.authorization, from_context: metadata.authorization, action: upsert }
      - { key: team.tenant, from_context: metadata.x-scope-orgid, action: upsert }
exporters:
  file: { path: /tmp/team-spans.json, flush_interval: 200ms }
extensions:
  health_check: { endpoint: "0.0.0.0:13133" }
service:
  extensions: [health_check]
  pipelines:
    traces: { receivers: [otlp], processors: [attributes/headers], exporters: [file] }
`;

interface StandIn {
    name: string;
    /** Every span the team backend received: its service, name and the headers it came with. */
    spans(): { service: string; name: string; authorization?: string; tenant?: string }[];
    remove(): void;
}

function startStandIn(tools: TracePathTools, name: string, network: string): StandIn {
    const d = (...args: string[]) => docker(tools.dockerHost, args);
    const work = tempDir("team");
    const remove = () => {
        spawnSync("docker", ["rm", "-f", name], { env: { ...process.env, DOCKER_HOST: tools.dockerHost } });
        fs.rmSync(work, { recursive: true, force: true });
    };
    d("create", "--name", name, "--network", network, "-p", "127.0.0.1::13133", tools.images.collectorImage, "--config=/etc/otelcol/team.yaml");
    fs.mkdirSync(path.join(work, "etc", "otelcol"), { recursive: true });
    fs.writeFileSync(path.join(work, "etc", "otelcol", "team.yaml"), STAND_IN_CONFIG, { mode: 0o644 });
    const tar = spawnSync("tar", ["--numeric-owner", "--owner=0", "--group=0", "-C", work, "-cf", "-", "etc/otelcol/team.yaml"]);
    docker(tools.dockerHost, ["cp", "-", `${name}:/`], tar.stdout);
    d("start", name);
    const health = `http://127.0.0.1:${hostPort(tools.dockerHost, name, 13133)}/`;
    const deadline = Date.now() + 30_000;
    while (spawnSync("node", ["-e", `fetch(${JSON.stringify(health)}).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`]).status !== 0) {
        if (Date.now() > deadline)
            throw new Error(
                `stand-in ${name} not ready: ${spawnSync("docker", ["logs", name], { encoding: "utf8", env: { ...process.env, DOCKER_HOST: tools.dockerHost } }).stderr.slice(-2000)}`,
            );
        spawnSync("sleep", ["0.3"]);
    }
    return {
        name,
        spans: () => {
            const archive = spawnSync("docker", ["cp", `${name}:/tmp/team-spans.json`, "-"], {
                env: { ...process.env, DOCKER_HOST: tools.dockerHost },
                maxBuffer: 256 << 20,
            });
            if (archive.status !== 0) return [];
            const text = spawnSync("tar", ["-xO"], { input: archive.stdout, encoding: "utf8", maxBuffer: 256 << 20 }).stdout;
            const out: ReturnType<StandIn["spans"]> = [];
            for (const line of text.split("\n").filter(Boolean)) {
                for (const rs of JSON.parse(line).resourceSpans ?? []) {
                    const service = rs.resource?.attributes?.find((a: any) => a.key === "service.name")?.value?.stringValue;
                    for (const ss of rs.scopeSpans ?? [])
                        for (const s of ss.spans ?? []) {
                            const attr = (key: string) => s.attributes?.find((a: any) => a.key === key)?.value?.stringValue;
                            out.push({ service, name: s.name, authorization: attr("team.authorization"), tenant: attr("team.tenant") });
                        }
                }
            }
            return out;
        },
        remove,
    };
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const found = await probe();
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 300));
    }
}

/** One OTLP/JSON request of `count` spans of one trace, each with a dozen attributes as control-plane spans carry. */
function floodBody(service: string, batch: number, count: number): string {
    const traceId = randomBytes(16).toString("hex");
    const now = BigInt(Date.now()) * 1_000_000n;
    const attributes = (i: number) =>
        [
            ["rpc.system", "grpc"],
            ["rpc.service", "etcdserverpb.KV"],
            ["rpc.method", "Range"],
            ["net.peer.name", "127.0.0.1"],
            ["http.method", "GET"],
            ["http.route", "/api/v1/namespaces/{namespace}/pods"],
            ["k8s.namespace.name", "kube-system"],
            ["k8s.pod.name", `coredns-7db6d8ff4d-${batch}x${i}`],
            ["user_agent.original", "kubelet/v1.34.9 (linux/amd64) kubernetes/abcdef0"],
            ["key", `/registry/pods/kube-system/coredns-${batch}-${i}`],
            ["range_end", ""],
            ["limit", "500"],
        ].map(([key, stringValue]) => ({ key, value: { stringValue } }));
    const spans = Array.from({ length: count }, (_, i) => ({
        traceId,
        spanId: randomBytes(8).toString("hex"),
        name: `flood-${batch}-${i}`,
        kind: 2,
        startTimeUnixNano: String(now - 2_000_000n),
        endTimeUnixNano: String(now),
        attributes: attributes(i),
    }));
    return JSON.stringify({
        resourceSpans: [
            {
                resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
                scopeSpans: [{ scope: { name: "kubetracing-flood" }, spans }],
            },
        ],
    });
}

/**
 * The Collector process's memory from the host, in MiB: RssAnon (its heap and stacks: what the
 * memory_limiter's limit is about), VmRSS and VmHWM (its peak), which also count the pages of the
 * ~120 MB static binary that happen to be mapped in.
 */
function processMemory(pid: string): { anonMiB: number; fileMiB: number; rssMiB: number; peakMiB: number } | undefined {
    let status: string;
    try {
        status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    } catch {
        return undefined;
    }
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
    return { anonMiB: kib("RssAnon") / 1024, fileMiB: kib("RssFile") / 1024, rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
}

/** docker stats' memory usage ("63.9MiB / 7.7GiB"), in MiB. */
function statsMiB(usage: string): number | undefined {
    const m = /^([\d.]+)\s*([KMG]i?B|B)$/.exec(usage.split("/")[0].trim());
    const scale: Record<string, number> = { B: 1 / 1048576, KiB: 1 / 1024, kB: 1 / 1024, MiB: 1, MB: 1, GiB: 1024, GB: 1024 };
    return m ? Number(m[1]) * scale[m[2]] : undefined;
}

/**
 * Samples a container's memory in the background while the test works: `docker stats --no-stream`
 * again and again (each takes about a second), and the process's RssAnon every 100 ms.
 */
function sampleMemory(tools: TracePathTools, container: string, pid: string): { stop(): Promise<{ stats: number[]; anon: number[] }> } {
    const stats: number[] = [];
    const anon: number[] = [];
    let running = true;
    const statsLoop = (async () => {
        while (running) {
            const usage = await new Promise<string>((resolve) =>
                execFile(
                    "docker",
                    ["stats", "--no-stream", "--format", "{{.MemUsage}}", container],
                    { env: { ...process.env, DOCKER_HOST: tools.dockerHost }, timeout: 10_000 },
                    (_err, stdout) => resolve(String(stdout)),
                ),
            );
            const mib = statsMiB(usage);
            if (mib !== undefined) stats.push(mib);
        }
    })();
    const timer = setInterval(() => {
        const now = processMemory(pid);
        if (now) anon.push(now.anonMiB);
    }, 100);
    return {
        stop: async () => {
            running = false;
            clearInterval(timer);
            await statsLoop;
            return { stats, anon };
        },
    };
}

/**
 * A backend of the stack config `configFor(team host)` and its stand-in team backend on the stack's
 * network, started before the describe block's tests and removed after them.
 */
function withTeamBackend(
    tools: TracePathTools,
    stack: string,
    configFor: (teamHost: string) => Record<string, unknown>,
): { backend(): RunningBackend; team(): StandIn } {
    const teamName = `kubetracing-${stack}-team`;
    let backend: RunningBackend | undefined;
    let team: StandIn | undefined;
    beforeAll(() => {
        backend = startBackend(tools, stack, { config: configFor(teamName) });
        team = startStandIn(tools, teamName, backend.network);
    });
    afterAll(() => {
        team?.remove();
        backend?.remove();
    });
    return { backend: () => backend!, team: () => team! };
}

describeWithTracePath("team backends (kubetracing:exporters), for real", (tools: TracePathTools) => {
    const running = withTeamBackend(tools, `tt${process.pid}`, (teamHost) => ({
        collectorMemoryLimitMiB: String(MEMORY_LIMIT_MIB),
        exporters: JSON.stringify([
            {
                name: "team-grpc",
                endpoint: `http://${teamHost}:4317`,
                protocol: "grpc",
                insecure: true,
                headers: { Authorization: TOKEN, "X-Scope-OrgID": TENANT_GRPC },
            },
            {
                name: "team-http",
                endpoint: `http://${teamHost}:4318`,
                protocol: "http",
                insecure: true,
                headers: { Authorization: TOKEN, "X-Scope-OrgID": TENANT_HTTP },
            },
        ]),
    }));
    let backend: RunningBackend;
    let team: StandIn;
    beforeAll(() => {
        backend = running.backend();
        team = running.team();
    });

    it("hands the header values to the Collector only as environment variables; its config and its logs never hold them", () => {
        const uploaded = docker(tools.dockerHost, ["cp", `${backend.containers.collector}:/etc/otelcol/kubetracing.yaml`, "-"]);
        expect(uploaded).toContain("Authorization: ${env:KUBETRACING_EXPORTER_0_HEADER_0}");
        expect(uploaded).not.toContain(TOKEN);
        const env: string[] = JSON.parse(docker(tools.dockerHost, ["inspect", "-f", "{{json .Config.Env}}", backend.containers.collector]));
        expect(env).toEqual(expect.arrayContaining([`KUBETRACING_EXPORTER_0_HEADER_0=${TOKEN}`, `KUBETRACING_EXPORTER_1_HEADER_1=${TENANT_HTTP}`]));
        const inspectArgs = docker(tools.dockerHost, ["inspect", "-f", "{{json .Args}}", backend.containers.collector]);
        expect(inspectArgs).not.toContain(TOKEN);
    });

    it("a span sent to the Collector reaches the team backend through both exporters, each with its configured headers, and the local Jaeger", async () => {
        await sendGrpcTestSpan(backend.otlpGrpc, "kubetracing-team-test", "team-test-span");
        const received = await waitFor("the stand-in team backend has the span from both exporters", 60_000, () => {
            const spans = team.spans().filter((s) => s.name === "team-test-span");
            return spans.length >= 2 ? spans : undefined;
        });
        expect(received.map((s) => ({ ...s })).sort((a, b) => a.tenant!.localeCompare(b.tenant!))).toEqual([
            { service: "kubetracing-team-test", name: "team-test-span", authorization: TOKEN, tenant: TENANT_GRPC },
            { service: "kubetracing-team-test", name: "team-test-span", authorization: TOKEN, tenant: TENANT_HTTP },
        ]);
        await waitForJaegerSpans(backend.jaegerUrl, "kubetracing-team-test", ["team-test-span"], 30_000);
        process.stdout.write(
            `stand-in team backend received: ${JSON.stringify(received.map((s) => ({ ...s, authorization: s.authorization === TOKEN ? "<the configured secret>" : s.authorization })))}\n`,
        );
    });

    it(`team backend stopped: the local Jaeger still gets every one of ${FLOOD_BATCHES * FLOOD_BATCH_SPANS} spans and the Collector stays under ${MEMORY_LIMIT_MIB} MiB`, async () => {
        docker(tools.dockerHost, ["stop", team.name]);
        const collector = backend.containers.collector;
        const pid = docker(tools.dockerHost, ["inspect", "-f", "{{.State.Pid}}", collector]);
        const before = processMemory(pid);
        const sampler = sampleMemory(tools, collector, pid);
        const refused: string[] = [];
        const started = Date.now();
        for (let b = 0; b < FLOOD_BATCHES; b++) {
            const res = await fetch(`${backend.otlpHttp}/v1/traces`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: floodBody("kubetracing-flood", b, FLOOD_BATCH_SPANS),
                signal: AbortSignal.timeout(30_000),
            });
            if (!res.ok) refused.push(`batch ${b}: ${res.status} ${(await res.text()).slice(0, 200)}`);
        }
        const sent = Date.now() - started;
        const expected = FLOOD_BATCHES * FLOOD_BATCH_SPANS;
        let count = 0;
        await waitFor(`Jaeger has all ${expected} flood spans`, 90_000, async () => {
            count = (await jaegerSpans(backend.jaegerUrl, "kubetracing-flood")).length;
            return count >= expected ? count : undefined;
        });
        const arrived = Date.now() - started;
        // The retries go on; the queues stay full until their items run out of time (max_elapsed_time).
        await new Promise((r) => setTimeout(r, 5000));
        const { stats: samples, anon } = await sampler.stop();
        const after = processMemory(pid);
        const logs = spawnSync("docker", ["logs", collector], {
            encoding: "utf8",
            env: { ...process.env, DOCKER_HOST: tools.dockerHost },
            maxBuffer: 64 << 20,
        });
        const log = logs.stdout + logs.stderr;
        const queueFull = (log.match(/sending queue is full/g) ?? []).length;
        const report = [
            `team backend down, ${expected} spans in ${FLOOD_BATCHES} OTLP/HTTP requests (sent in ${sent} ms, all in Jaeger after ${arrived} ms): Jaeger has ${count}`,
            `refused by the Collector: ${refused.length ? refused.join("; ") : "none"}`,
            `"sending queue is full" in the Collector's log: ${queueFull} times (each team queue holds ${teamQueueSpans(MEMORY_LIMIT_MIB, 2)} spans)`,
            `RssAnon grew ${before && after ? (after.anonMiB - before.anonMiB).toFixed(1) : "?"} MiB with both queues full: at most ` +
                `${before && after ? Math.round(((after.anonMiB - before.anonMiB) * 1048576) / (2 * teamQueueSpans(MEMORY_LIMIT_MIB, 2))) : "?"} bytes a queued span (reckoned: ${QUEUED_SPAN_BYTES})`,
            `Collector memory (memory_limiter limit ${MEMORY_LIMIT_MIB} MiB): docker stats max ${Math.max(...samples).toFixed(1)} MiB; ` +
                `RssAnon before ${before?.anonMiB.toFixed(1)} MiB, max ${anon.length ? Math.max(...anon).toFixed(1) : "?"} MiB (${samples.length} and ${anon.length} samples), after ${after?.anonMiB.toFixed(1)} MiB; ` +
                `VmRSS after ${after?.rssMiB.toFixed(1)} MiB, VmHWM ${after?.peakMiB.toFixed(1)} MiB (both count RssFile, the mapped pages of the binary: ${after?.fileMiB.toFixed(1)} MiB)`,
        ].join("\n  ");
        process.stdout.write(`${report}\n`);
        expect(refused).toEqual([]);
        expect(count).toBe(expected);
        // The bound was reached (the queues overflowed), and memory stayed under the limit anyway.
        expect(queueFull).toBeGreaterThan(0);
        // The process's anonymous memory is what the limit is about; docker stats also counts the
        // page cache of the ~120 MB binary, so it is the fallback where /proc of the process cannot be read.
        if (anon.length) expect(Math.max(...anon)).toBeLessThan(MEMORY_LIMIT_MIB);
        else expect(Math.max(...samples)).toBeLessThan(MEMORY_LIMIT_MIB);
        expect(log).not.toContain(TOKEN);
    });
});

describeWithTracePath("localJaeger false, for real: the Collector forwards only", (tools: TracePathTools) => {
    const running = withTeamBackend(tools, `tf${process.pid}`, (teamHost) => ({
        localJaeger: false,
        exporters: JSON.stringify([{ name: "team", endpoint: `http://${teamHost}:4318`, protocol: "http", insecure: true, headers: { Authorization: TOKEN } }]),
    }));

    it("runs no Jaeger, sends the spans to the team backend, and verify says it has nothing to ask (exit 2)", async () => {
        const [backend, team] = [running.backend(), running.team()];
        const containers = docker(tools.dockerHost, ["ps", "--format", "{{.Names}}"]).split("\n");
        expect(containers).toContain(backend.containers.collector);
        expect(containers).not.toContain(backend.containers.jaeger);
        await sendGrpcTestSpan(backend.otlpGrpc, "kubetracing-forward-test", "forward-test-span");
        const received = await waitFor("the stand-in has the span", 60_000, () => team.spans().find((s) => s.name === "forward-test-span"));
        expect(received.authorization).toBe(TOKEN);
        const r = runVerify(backend.outputs, "--no-activity", "--timeout", "5");
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(/this stack runs no local Jaeger .* its spans go to the exporters team/);
    });
});

describeWithTracePath("the real otelcol validates the rendered Collector configs with team exporters", (tools: TracePathTools) => {
    let dir: string;
    beforeAll(() => (dir = tempDir("validate-exporters")));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    const TEAM = [
        { name: "tempo", endpoint: "https://tempo.example.com:4317", protocol: "grpc", headers: { "X-Scope-OrgID": "team-a", Authorization: TOKEN } },
        { name: "vendor", endpoint: "https://otlp.vendor.example/otlp", protocol: "http", headers: { "api-key": "123" } },
        { name: "plain-grpc", endpoint: "http://tempo:4317", protocol: "grpc", insecure: true },
        { name: "plain-http", endpoint: "http://tempo:4318", protocol: "http", insecure: true },
    ];
    const validate = (config: Record<string, unknown>, edit: (c: string) => string = (c) => c) => {
        const settings = parseSettings({ collectorImage: tools.images.collectorImage, ...config }, { secretKeys: ["kubetracing:exporters"] });
        const rendered = renderStack(settings, stackNames("kubetracing", "validate"));
        const f = path.join(dir, `collector-${randomBytes(4).toString("hex")}.yaml`);
        fs.writeFileSync(f, edit(file(rendered, "collector-config")));
        // The values the container would have in its environment.
        const env = Object.fromEntries(collectorEnvironment(settings.exporters).map((e) => [e.name, e.value.reveal()]));
        return spawnSync(path.join(tools.bin, "otelcol"), ["validate", `--config=${f}`], { encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
    };

    it.each([
        ["grpc and http, with headers, beside the local Jaeger", { exporters: JSON.stringify(TEAM.slice(0, 2)) }],
        ["four exporters at the smallest memory limit", { exporters: JSON.stringify(TEAM), collectorMemoryLimitMiB: "64" }],
        ["no local Jaeger", { localJaeger: "false", exporters: JSON.stringify(TEAM.slice(0, 1)) }],
        ["kind, node agent on", { engine: "kind", inClusterCollector: "true", exporters: JSON.stringify(TEAM.slice(1, 3)) }],
    ])("%s", (_what, config) => {
        const r = validate(config);
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
    });

    it("negative control: validate refuses a team queue of size 0, naming the exporter", () => {
        const r = validate({ exporters: JSON.stringify(TEAM.slice(0, 1)) }, (c) => c.replace(/queue_size: \d+/, "queue_size: 0"));
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/otlp_grpc\/tempo[\s\S]*queue_size/);
        expect(r.stderr + r.stdout).not.toContain(TOKEN);
    });
});
