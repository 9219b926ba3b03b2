// The logic of `npm run verify`, with its I/O passed in so the tests can drive it against a fake
// Jaeger speaking the real API v3 format: cause control-plane activity, then ask Jaeger, per traced
// component, for spans; retry until all are found or the wait is over; explain what is missing.
import { SERVICE_NAMES } from "../config-files/endpoints";
import type { TracedComponent } from "../config-files/settings";

/** The stack outputs verify reads (names from config-files/outputs-contract.ts). */
export interface VerifyOutputs {
    jaegerUrl: string;
    tracedComponents: TracedComponent[];
    samplingRatePerMillion?: Partial<Record<TracedComponent, number>>;
    bundledVersions?: { etcd?: string; containerd?: string };
    collectorNetworkGrpcEndpoint?: string;
    clusterName?: string;
    engine?: string;
}

export interface HttpResponse {
    status: number;
    body: string;
}

export interface VerifyIO {
    /** GET a URL; rejects when nothing answers. */
    get(url: string): Promise<HttpResponse>;
    /** Create and delete a small pod, so the control plane has something to trace. */
    activity(): Promise<void>;
    now(): number;
    sleep(ms: number): Promise<void>;
}

export interface VerifyOptions {
    /** Total wait for spans after the activity. */
    timeoutMs: number;
    pollMs: number;
    /** How far back a span may start and still count. */
    lookbackMs: number;
}

export interface ComponentResult {
    component: TracedComponent;
    serviceName: string;
    spans: number;
    /** Seconds since the newest span started; undefined when none. */
    newestSpanAgeSeconds?: number;
    jaegerLink: string;
    /** Why it is probably missing; only for components with no spans. */
    likelyCause?: string;
}

export interface VerifyReport {
    exitCode: 0 | 1 | 3;
    jaegerUrl: string;
    components: ComponentResult[];
    /** Set when Jaeger itself could not be asked. */
    error?: string;
}

export const EXIT = { ok: 0, missing: 1, usage: 2, jaegerUnreachable: 3 } as const;

interface JaegerSpan {
    name: string;
    startTimeUnixNano: string;
}

/**
 * /api/v3/traces answers 200 {"result": {"resourceSpans": [...]}} (OTLP-JSON), or 404 with
 * {"error": {"httpCode": 404, "message": "No traces found"}} when nothing matches.
 */
export function spansOfTracesResponse(response: HttpResponse, serviceName: string): JaegerSpan[] {
    if (response.status === 404) return [];
    if (response.status !== 200) throw new Error(`Jaeger answered ${response.status}: ${response.body.trim().slice(0, 200)}`);
    const data = JSON.parse(response.body) as { result?: { resourceSpans?: any[] } };
    const spans: JaegerSpan[] = [];
    for (const rs of data.result?.resourceSpans ?? []) {
        const service = rs.resource?.attributes?.find((a: any) => a.key === "service.name")?.value?.stringValue;
        if (service !== undefined && service !== serviceName) continue;
        for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ name: s.name, startTimeUnixNano: String(s.startTimeUnixNano) });
    }
    return spans;
}

export function likelyCause(component: TracedComponent, outputs: VerifyOutputs): string {
    const rate = outputs.samplingRatePerMillion?.[component];
    if (rate === 0) return `sampling rate is 0: set kubetracing:${component}SamplingRatePerMillion (or samplingRatePerMillion) above 0`;
    const collector = outputs.collectorNetworkGrpcEndpoint ?? "the Collector";
    switch (component) {
        case "etcd": {
            const etcd = outputs.bundledVersions?.etcd;
            const old = etcd && /^3\.5\.(\d|10)$/.test(etcd);
            if (old) return `etcd ${etcd} has no sampling flag: its spans appear only inside sampled apiserver requests (trace the apiserver; on kind set kindEtcdImage)`;
            return `etcd sends only for requests it samples (rate ${rate ?? "?"} per million); check etcd reaches ${collector} and that --cluster-init (k3d) is set`;
        }
        case "apiserver":
            return `the apiserver samples nothing without a rate and ignores incoming trace context; check its tracing-config-file and that it reaches ${collector}`;
        case "kubelet":
            return `the kubelet samples only with a rate; check the kubelet config file is loaded and that it reaches ${collector}`;
        case "containerd": {
            const which = outputs.bundledVersions?.containerd ? `containerd ${outputs.bundledVersions.containerd}` : "containerd";
            return `${which} reads only OTEL_* env from 1.7.16 on and needs an http:// URL endpoint; check the node's containerd environment and that it reaches ${collector.replace(/:4317$/, ":4318")}`;
        }
    }
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function verify(outputs: VerifyOutputs, io: VerifyIO, options: VerifyOptions): Promise<VerifyReport> {
    const jaegerUrl = outputs.jaegerUrl.replace(/\/$/, "");
    const link = (service: string) => `${jaegerUrl}/search?service=${encodeURIComponent(service)}`;
    const results = new Map<TracedComponent, ComponentResult>();
    const pending = () => outputs.tracedComponents.filter((c) => !results.has(c));
    try {
        await io.get(`${jaegerUrl}/api/v3/services`);
    } catch (err) {
        return { exitCode: EXIT.jaegerUnreachable, jaegerUrl, components: [], error: `Jaeger at ${jaegerUrl} did not answer: ${(err as Error).message}` };
    }
    await io.activity();
    const started = io.now();
    for (;;) {
        for (const component of pending()) {
            const service = SERVICE_NAMES[component];
            const now = io.now();
            const url = `${jaegerUrl}/api/v3/traces?query.service_name=${encodeURIComponent(service)}` +
                `&query.start_time_min=${iso(now - options.lookbackMs)}&query.start_time_max=${iso(now + 60_000)}&query.num_traces=100`;
            let response: HttpResponse;
            try {
                response = await io.get(url);
            } catch (err) {
                return { exitCode: EXIT.jaegerUnreachable, jaegerUrl, components: [...results.values()], error: `Jaeger at ${jaegerUrl} stopped answering: ${(err as Error).message}` };
            }
            const spans = spansOfTracesResponse(response, service);
            if (spans.length) {
                const newestNs = spans.map((s) => BigInt(s.startTimeUnixNano)).reduce((a, b) => (a > b ? a : b));
                const ageSeconds = Math.max(0, Math.round((now - Number(newestNs / 1_000_000n)) / 1000));
                results.set(component, { component, serviceName: service, spans: spans.length, newestSpanAgeSeconds: ageSeconds, jaegerLink: link(service) });
            }
        }
        if (!pending().length || io.now() - started >= options.timeoutMs) break;
        await io.sleep(options.pollMs);
    }
    for (const component of pending()) {
        results.set(component, { component, serviceName: SERVICE_NAMES[component], spans: 0, jaegerLink: link(SERVICE_NAMES[component]), likelyCause: likelyCause(component, outputs) });
    }
    const components = outputs.tracedComponents.map((c) => results.get(c)!);
    return { exitCode: components.every((c) => c.spans > 0) ? EXIT.ok : EXIT.missing, jaegerUrl, components };
}

export function formatTable(report: VerifyReport): string {
    if (report.error) return `verify: ${report.error}\n`;
    const rows = report.components.map((c) => [
        c.component,
        c.serviceName,
        String(c.spans),
        c.newestSpanAgeSeconds === undefined ? "-" : `${c.newestSpanAgeSeconds}s ago`,
        c.jaegerLink,
    ]);
    const header = ["component", "service", "spans", "newest", "jaeger"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    const missing = report.components.filter((c) => c.spans === 0);
    return [
        line(header),
        ...rows.map(line),
        "",
        ...(missing.length
            ? missing.map((c) => `MISSING ${c.component}: ${c.likelyCause}`)
            : [`all ${report.components.length} traced components reach Jaeger`]),
        "",
    ].join("\n");
}
