// The trace-path tier's machinery: the real Collector and Jaeger (built from their Go modules,
// scripts/fetch-tools.sh), run as the stack runs them (config-files/backend-containers.ts) in the
// tests' own dockerd (scripts/test-docker.sh), and Jaeger's query API v3.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { backendContainers, BackendContainer } from "../../config-files/backend-containers";
import { COLLECTOR_HEALTH_PORT, JAEGER_UI_PORT, OTLP_GRPC_PORT, OTLP_HTTP_PORT, otlpHttpUrl, SERVICE_NAMES } from "../../stack/endpoints";
import { stackNames } from "../../stack/names";
import { renderStack, RenderedStack } from "../../config-files/render-stack";
import { parseSettings, StackSettings } from "../../settings/settings";
import { collectorEnvironment } from "../../config-files/team-exporters";
import { waitForHttpOkScript } from "../../components/observability-backend";
import { file, PROJECT_DIR } from "../helpers";
import { obtainBinaries, Suite, tempDir } from "../real-binaries/harness";
import { EdgeContext, EdgeSpec, EdgeVia, findEdge } from "../../scripts/edges";
import { spansOfAnswer } from "../../scripts/otlp-json";

export interface TracePathTools {
    /** .cache/tools/bin: otelcol, otelcol-agent, jaeger. */
    bin: string;
    dockerHost: string;
    images: { jaegerImage: string; collectorImage: string; agentImage: string };
    /** etcd and containerd from Debian (the real-binaries tier's). */
    suites: Suite[];
}

type Obtained = { ok: true; tools: TracePathTools } | { ok: false; reason: string };

function run(script: string, ...args: string[]): { ok: true; lines: string[] } | { ok: false; reason: string } {
    const r = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", script), ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
    if (r.status !== 0) return { ok: false, reason: `${script} exited ${r.status}: ${(r.stderr || "").trim().split("\n").slice(-5).join(" | ")}` };
    return { ok: true, lines: r.stdout.trim().split("\n") };
}

/**
 * Builds (or reuses) the tools and images and starts the test dockerd. Synchronous: the tier
 * decides at load time whether to run. `extraTools`: more of scripts/fetch-tools.sh's names.
 */
export function obtainTracePath(extraTools: string[] = []): Obtained {
    const binaries = obtainBinaries();
    if (!binaries.ok) return binaries;
    const tools = run("fetch-tools.sh", "otelcol", "otelcol-agent", "jaeger", ...extraTools);
    if (!tools.ok) return tools;
    const docker = run("test-docker.sh", "start");
    if (!docker.ok) return docker;
    const images = run("test-images.sh");
    if (!images.ok) return images;
    const setting = (key: string) => images.lines.find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1) ?? "";
    return {
        ok: true,
        tools: {
            bin: tools.lines[tools.lines.length - 1],
            dockerHost: docker.lines[docker.lines.length - 1].replace(/^DOCKER_HOST=/, ""),
            images: { jaegerImage: setting("jaegerImage"), collectorImage: setting("collectorImage"), agentImage: setting("agentImage") },
            suites: binaries.suites,
        },
    };
}

/** Outside CI a machine without the tools skips the tier and says why; in CI that is a failure. */
export function describeWithTracePath(title: string, body: (tools: TracePathTools) => void, extraTools: string[] = []): void {
    const obtained = obtainTracePath(extraTools);
    if (obtained.ok) {
        describe(title, () => body(obtained.tools));
    } else if (process.env.CI === "true") {
        it(`${title}: the tools, images and test dockerd are available`, () => {
            throw new Error(`CI must run the trace-path tier, but: ${obtained.reason}`);
        });
    } else {
        process.stderr.write(`Skipping "${title}" (outside CI): ${obtained.reason}\n`);
        describe.skip(title, () => it("needs the tools", () => undefined));
    }
}

export function docker(dockerHost: string, args: string[], input?: string | Buffer): string {
    const r = spawnSync("docker", args, { encoding: "utf8", input, env: { ...process.env, DOCKER_HOST: dockerHost } });
    if (r.status !== 0) throw new Error(`docker ${args.join(" ")}: ${r.stderr.trim()}`);
    return r.stdout.trim();
}

export interface RunningBackend {
    stack: string;
    settings: StackSettings;
    rendered: RenderedStack;
    jaegerUrl: string;
    otlpGrpc: string;
    otlpHttp: string;
    /** The stack's Docker network (a stand-in team backend joins it). */
    network: string;
    /** The outputs a stack of these settings exports that verify reads. */
    outputs: Record<string, unknown>;
    /** Milliseconds from `docker start` to the readiness check passing, per container. */
    readyMs: { jaeger: number; collector: number };
    /** Container names; with localJaeger false no Jaeger container runs under its name. */
    containers: { jaeger: string; collector: string };
    remove(): void;
}

export interface BackendOptions {
    /** Stack config (kubetracing: keys); the images are the locally built ones. */
    config?: Record<string, unknown>;
    /** Changes the rendered Collector config before it is uploaded (negative controls). */
    editCollectorConfig?: (config: string) => string;
}

/**
 * Creates the network and the two containers exactly as ObservabilityBackend declares them (same
 * spec function), the way the Docker provider does it: create, upload the config, start; then waits
 * with the component's own readiness check.
 */
export function startBackend(tools: TracePathTools, stack: string, options: BackendOptions = {}): RunningBackend {
    // Header values given in plain text here are what `pulumi up` hands the program once decrypted.
    const settings = parseSettings(
        { jaegerImage: tools.images.jaegerImage, collectorImage: tools.images.collectorImage, ...options.config },
        {
            secretKeys: ["kubetracing:exporters"],
        },
    );
    const names = stackNames("kubetracing", stack);
    const rendered = renderStack(settings, names);
    const collectorConfig = file(rendered, "collector-config");
    const spec = backendContainers({
        names,
        jaegerImage: rendered.jaegerImage,
        collectorImage: rendered.collectorImage,
        ...(settings.localJaeger ? { jaegerConfig: file(rendered, "jaeger-config") } : {}),
        collectorConfig: options.editCollectorConfig ? options.editCollectorConfig(collectorConfig) : collectorConfig,
        collectorEnv: collectorEnvironment(settings.exporters),
        hostBindAddress: settings.hostBindAddress,
        hostPorts: settings.hostPorts,
    });
    const d = (...args: string[]) => docker(tools.dockerHost, args);
    const work = tempDir("backend");
    const remove = () => {
        spawnSync("docker", ["rm", "-f", names.jaegerContainer, spec.collector.name], { env: { ...process.env, DOCKER_HOST: tools.dockerHost } });
        spawnSync("docker", ["network", "rm", spec.network], { env: { ...process.env, DOCKER_HOST: tools.dockerHost } });
        fs.rmSync(work, { recursive: true, force: true });
    };
    try {
        d("network", "create", "--driver", "bridge", spec.network);
        const startContainer = (c: BackendContainer, healthPort: number): number => {
            const publish = c.ports.flatMap((p) => ["-p", `${p.ip}:${p.external ?? ""}:${p.internal}`]);
            // As the provider's envs: each variable by name (`-e NAME`), its value from the docker CLI's own environment, never in argv.
            const env = (c.env ?? []).flatMap((e) => ["-e", e.name]);
            const values = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value.reveal()]));
            const created = spawnSync(
                "docker",
                ["create", "--name", c.name, "--network", spec.network, "--restart", "unless-stopped", ...publish, ...env, c.image, ...c.command],
                {
                    encoding: "utf8",
                    env: { ...process.env, ...values, DOCKER_HOST: tools.dockerHost },
                },
            );
            if (created.status !== 0) throw new Error(`docker create ${c.name}: ${created.stderr.trim()}`);
            // The provider uploads each file as a tar entry with its full path, extracted at "/".
            const staged = path.join(work, c.name);
            fs.mkdirSync(path.join(staged, path.dirname(c.upload.file)), { recursive: true });
            fs.writeFileSync(path.join(staged, c.upload.file), c.upload.content, { mode: 0o644 });
            const tar = spawnSync("tar", ["--numeric-owner", "--owner=0", "--group=0", "-C", staged, "-cf", "-", c.upload.file.replace(/^\//, "")]);
            docker(tools.dockerHost, ["cp", "-", `${c.name}:/`], tar.stdout);
            const started = Date.now();
            d("start", c.name);
            const url = `http://${spec.hostForUrls}:${hostPort(tools.dockerHost, c.name, healthPort)}/`;
            const ready = spawnSync("bash", ["-c", waitForHttpOkScript(60)], { encoding: "utf8", env: { ...process.env, KUBETRACING_HEALTH_URL: url } });
            if (ready.status !== 0)
                throw new Error(
                    `${c.name} not ready: ${ready.stderr}\n${spawnSync("docker", ["logs", c.name], { encoding: "utf8", env: { ...process.env, DOCKER_HOST: tools.dockerHost } }).stderr.slice(-2000)}`,
                );
            return Date.now() - started;
        };
        // Jaeger's UI answers once its query extension serves; the Collector has its health port.
        const jaegerReady = spec.jaeger ? startContainer(spec.jaeger, JAEGER_UI_PORT) : 0;
        const collectorReady = startContainer(spec.collector, COLLECTOR_HEALTH_PORT);
        const host = spec.hostForUrls;
        const jaegerUrl = spec.jaeger ? `http://${host}:${hostPort(tools.dockerHost, spec.jaeger.name, JAEGER_UI_PORT)}` : "";
        return {
            stack,
            settings,
            rendered,
            jaegerUrl,
            otlpGrpc: `${host}:${hostPort(tools.dockerHost, spec.collector.name, OTLP_GRPC_PORT)}`,
            otlpHttp: `http://${host}:${hostPort(tools.dockerHost, spec.collector.name, OTLP_HTTP_PORT)}`,
            network: spec.network,
            outputs: {
                ...(jaegerUrl ? { jaegerUrl } : {}),
                exporters: rendered.exporterNames,
                tracedComponents: settings.tracedComponents,
                samplingRatePerMillion: rendered.samplingRatePerMillion,
                bundledVersions: rendered.bundledVersions,
                tracingGaps: rendered.tracingGaps,
                engine: settings.engine,
                clusterName: names.cluster,
                collectorNetworkGrpcEndpoint: `${names.collectorContainer}:${OTLP_GRPC_PORT}`,
                collectorNetworkHttpEndpoint: otlpHttpUrl(names.collectorContainer),
            },
            readyMs: { jaeger: jaegerReady, collector: collectorReady },
            containers: { jaeger: names.jaegerContainer, collector: spec.collector.name },
            remove,
        };
    } catch (err) {
        remove();
        throw err;
    }
}

/** The host port Docker chose for a container's internal port. */
export function hostPort(dockerHost: string, container: string, internal: number): number {
    const out = docker(dockerHost, ["port", container, `${internal}/tcp`]);
    const port = Number(/:(\d+)$/m.exec(out)?.[1]);
    if (!port) throw new Error(`container ${container}: port ${internal} is not published (${out})`);
    return port;
}

export interface JaegerSpan {
    service: string;
    name: string;
    attributes: Record<string, string>;
    /** The attributes of the resource that sent it (the node agent adds k8s.node.name there). */
    resource: Record<string, string>;
}

/** Every span of a service in the last hour, through the lasting query API v3 (OTLP JSON in a `result`). */
export async function jaegerSpans(jaegerUrl: string, service: string): Promise<JaegerSpan[]> {
    const params = new URLSearchParams({
        "query.service_name": service,
        "query.start_time_min": new Date(Date.now() - 3600_000).toISOString(),
        "query.start_time_max": new Date(Date.now() + 60_000).toISOString(),
        // Jaeger 2.13's memory store refuses a search depth of 0, its default without this (2.19 defaults it).
        "query.num_traces": "1000",
    });
    const res = await fetch(`${jaegerUrl}/api/v3/traces?${params}`, { signal: AbortSignal.timeout(10_000) });
    if (res.status === 404) return [];
    if (!res.ok) throw new Error(`Jaeger ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const body: any = await res.json();
    const spans: JaegerSpan[] = [];
    const attributes = (list: any[] | undefined) => Object.fromEntries((list ?? []).map((a: any) => [a.key, a.value?.stringValue ?? JSON.stringify(a.value)]));
    for (const rs of body.result?.resourceSpans ?? []) {
        const resource = attributes(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? []) spans.push({ service: resource["service.name"], name: s.name, attributes: attributes(s.attributes), resource });
    }
    return spans;
}

/** Polls Jaeger until `names` all appear for `service` (no names: any span); returns the spans and when the last one showed. */
export async function waitForJaegerSpans(jaegerUrl: string, service: string, names: string[], timeoutMs: number): Promise<{ spans: JaegerSpan[]; at: number }> {
    const deadline = Date.now() + timeoutMs;
    let spans: JaegerSpan[] = [];
    for (;;) {
        spans = await jaegerSpans(jaegerUrl, service);
        if (spans.length && names.every((n) => spans.some((s) => s.name === n))) return { spans, at: Date.now() };
        if (Date.now() > deadline)
            throw new Error(
                `Jaeger has no ${names.join(", ")} spans of service ${service} after ${timeoutMs} ms; has ${JSON.stringify(spans.map((s) => s.name))}`,
            );
        await new Promise((r) => setTimeout(r, 250));
    }
}

/** Runs `npm run verify`'s entry point as a user would, on an outputs file. */
export function runVerify(outputs: Record<string, unknown>, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
    return runVerifyIn(process.env, outputs, ...args);
}

/** The same, with the environment verify runs in (its PATH finds kubectl). */
export function runVerifyIn(
    env: NodeJS.ProcessEnv,
    outputs: Record<string, unknown>,
    ...args: string[]
): { status: number | null; stdout: string; stderr: string } {
    const dir = tempDir("verify");
    try {
        const outputsFile = path.join(dir, "outputs.json");
        fs.writeFileSync(outputsFile, JSON.stringify(outputs));
        const r = spawnSync(
            path.join(PROJECT_DIR, "node_modules", ".bin", "ts-node"),
            ["--transpile-only", path.join(PROJECT_DIR, "scripts", "verify.ts"), "--outputs", outputsFile, ...args],
            {
                encoding: "utf8",
                cwd: PROJECT_DIR,
                env,
                timeout: 400_000,
            },
        );
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/**
 * Polls Jaeger until a trace holds both sides of `spec` (scripts/edges.ts) and `accept` takes how it was
 * found: the caller's own trace (`traceId`), the service's traces since `sinceMs`.
 */
export async function waitForEdge(
    jaegerUrl: string,
    spec: EdgeSpec,
    context: EdgeContext,
    sinceMs: number,
    accept: (found: { via: EdgeVia; traceId: string }) => boolean,
    timeoutMs: number,
): Promise<{ via: EdgeVia; traceId: string }> {
    const deadline = Date.now() + timeoutMs;
    let last: { via: EdgeVia; traceId: string } | undefined;
    for (;;) {
        const answer = async (url: string) => {
            const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
            return spansOfAnswer({ status: res.status, body: await res.text() });
        };
        const window = `query.start_time_min=${new Date(sinceMs - 2000).toISOString()}&query.start_time_max=${new Date(Date.now() + 60_000).toISOString()}`;
        const spans = [
            ...(context.traceId ? await answer(`${jaegerUrl}/api/v3/traces/${context.traceId}`) : []),
            ...(await answer(`${jaegerUrl}/api/v3/traces?query.service_name=${SERVICE_NAMES[spec.caller]}&${window}&query.num_traces=1000`)),
        ];
        last = findEdge(spans, spec, context);
        if (last && accept(last)) return last;
        if (Date.now() > deadline) throw new Error(`no trace holds ${spec.edge} as wanted within ${timeoutMs} ms; found ${JSON.stringify(last)}`);
        await new Promise((r) => setTimeout(r, 1000));
    }
}
