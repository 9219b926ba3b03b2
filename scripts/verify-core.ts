// The logic of `npm run verify`, with its I/O passed in so the tests can drive it against a fake
// Jaeger speaking the real API v3 format: cause control-plane activity, then ask Jaeger, per traced
// component, for spans; retry until all are found or the wait is over; explain what is missing.
import { SERVICE_NAMES } from "../stack/endpoints";
import * as semver from "semver";
import { containerdReadsToml, etcdHasSamplingFlag } from "../versions/versions";
import type { TracedComponent } from "../settings/settings";

/** The stack outputs verify reads (names from stack/outputs-contract.ts). */
export interface VerifyOutputs {
    jaegerUrl: string;
    tracedComponents: TracedComponent[];
    samplingRatePerMillion?: Partial<Record<TracedComponent, number>>;
    bundledVersions?: { etcd?: string; containerd?: string };
    collectorNetworkGrpcEndpoint?: string;
    collectorNetworkHttpEndpoint?: string;
    clusterName?: string;
    engine?: string;
    /** Traced components this node image cannot make send spans, with why (containerd on k3s). */
    tracingGaps?: Partial<Record<TracedComponent, string>>;
    /** Names of the team backends the Collector also sends to; verify cannot ask them. */
    exporters?: string[];
}

export interface HttpResponse {
    status: number;
    body: string;
}

/** What verify's own work in the cluster left to look for. */
export interface Activity {
    /** When the cluster was created (its kube-system namespace): spans that started before are an earlier cluster's. */
    clusterCreatedMs: number;
    /** The W3C trace id every request of the test activity carried in its traceparent. */
    traceId: string;
    /** The test pod, created and deleted. */
    pod: { namespace: string; name: string; uid: string };
}

export interface VerifyIO {
    /** GET a URL within timeoutMs (the whole answer, not just its start); rejects when nothing (or too much) answers. */
    get(url: string, timeoutMs: number): Promise<HttpResponse>;
    /**
     * Create and delete a small pod within timeoutMs, so the control plane has something to trace; rejects
     * when it cannot. Undefined when verify was told not to touch the cluster (--no-activity).
     */
    activity(timeoutMs: number): Promise<Activity | undefined>;
    now(): number;
    sleep(ms: number): Promise<void>;
}

export interface VerifyOptions {
    /** The whole run's limit: every request, the test pod and the wait for spans fit in it. */
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
    /** True when the node image cannot make it send spans (a tracing gap): reported, not waited for, no failure. */
    expectedMissing?: boolean;
}

export interface VerifyReport {
    exitCode: 0 | 1 | 2 | 3;
    jaegerUrl: string;
    /** Spans that started before this are not counted: the cluster's creation (an earlier cluster's spans stay in Jaeger), else the lookback. */
    countedSince?: string;
    /** The trace id the test activity's requests carried (with the activity only). */
    traceId?: string;
    components: ComponentResult[];
    /** The team backends the Collector also sends to, named so the reader knows they were not checked. */
    exporters?: string[];
    /** Set when verify could not do its job: bad usage or outputs (2), Jaeger unreachable or answering wrongly (3). */
    error?: string;
}

export const EXIT = { ok: 0, missing: 1, usage: 2, jaegerUnreachable: 3 } as const;

/** No single request waits longer than this, whatever time is left. */
export const MAX_REQUEST_MS = 10_000;

/** Jaeger answered, but not what its API v3 answers: a proxy, another service on the port, a broken build. */
export class JaegerAnswerError extends Error {
    constructor(what: string) {
        super(what);
        this.name = "JaegerAnswerError";
    }
}

/** A short, printable piece of an unexpected body (it may be HTML, or binary). */
const excerpt = (body: string) =>
    JSON.stringify(
        body
            .trim()
            .slice(0, 120)
            .replace(/[^\x20-\x7e]/g, "?"),
    );

function parseJson(response: HttpResponse, what: string): unknown {
    if (response.status !== 200) throw new JaegerAnswerError(`${what} answered HTTP ${response.status} (expected 200): ${excerpt(response.body)}`);
    try {
        return JSON.parse(response.body);
    } catch {
        throw new JaegerAnswerError(`${what} answered 200 with a body that is not JSON: ${excerpt(response.body)}`);
    }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * /api/v3/services answers 200 {"services": [...]}, or {} while no service has sent a span (the
 * gateway writes protobuf JSON, which leaves out an empty list: seen on the real Jaeger 2.13);
 * anything else is not a Jaeger query API.
 */
export function checkServicesResponse(response: HttpResponse): void {
    const data = parseJson(response, "/api/v3/services");
    const onlyServices = isObject(data) && Object.keys(data).every((k) => k === "services");
    if (!onlyServices || (data.services !== undefined && !Array.isArray(data.services))) {
        throw new JaegerAnswerError(`/api/v3/services answered without a "services" list: ${excerpt(response.body)}`);
    }
}

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
    const data = parseJson(response, "/api/v3/traces");
    const wrong = (what: string) => new JaegerAnswerError(`/api/v3/traces answered OTLP-JSON with ${what}`);
    if (!isObject(data) || !isObject(data.result)) throw wrong(`no "result" object: ${excerpt(response.body)}`);
    const list = (value: unknown, name: string): unknown[] => {
        if (value === undefined) return [];
        if (!Array.isArray(value)) throw wrong(`"${name}" that is not a list`);
        return value;
    };
    const spans: JaegerSpan[] = [];
    for (const rs of list(data.result.resourceSpans, "resourceSpans")) {
        if (!isObject(rs)) throw wrong("a resourceSpans entry that is not an object");
        const attributes = isObject(rs.resource) ? list(rs.resource.attributes, "resource.attributes") : [];
        const serviceAttribute = attributes.find((a) => isObject(a) && a.key === "service.name") as { value?: { stringValue?: unknown } } | undefined;
        const service = serviceAttribute?.value?.stringValue;
        if (service !== undefined && service !== serviceName) continue;
        for (const ss of list(rs.scopeSpans, "scopeSpans")) {
            if (!isObject(ss)) throw wrong("a scopeSpans entry that is not an object");
            for (const s of list(ss.spans, "spans")) {
                const start = isObject(s) ? s.startTimeUnixNano : undefined;
                const startText = typeof start === "number" && Number.isSafeInteger(start) && start >= 0 ? String(start) : start;
                if (!isObject(s) || typeof s.name !== "string" || typeof startText !== "string" || !/^\d{1,20}$/.test(startText)) {
                    throw wrong(`a span without a name and a startTimeUnixNano in nanoseconds: ${excerpt(JSON.stringify(s) ?? "")}`);
                }
                spans.push({ name: s.name, startTimeUnixNano: startText });
            }
        }
    }
    return spans;
}

/** The reason this node image cannot trace the component, from the tracingGaps output (a non-empty string only). */
function gapOf(outputs: VerifyOutputs, component: TracedComponent): string | undefined {
    const gap: unknown = isObject(outputs.tracingGaps) ? outputs.tracingGaps[component] : undefined;
    return typeof gap === "string" && gap !== "" ? gap : undefined;
}

export function likelyCause(component: TracedComponent, outputs: VerifyOutputs): string {
    const gap = gapOf(outputs, component);
    if (gap) return gap;
    const rate = outputs.samplingRatePerMillion?.[component];
    if (rate === 0) return `sampling rate is 0: set kubetracing:${component}SamplingRatePerMillion (or samplingRatePerMillion) above 0`;
    const collector = outputs.collectorNetworkGrpcEndpoint ?? "the Collector";
    switch (component) {
        case "etcd": {
            const etcd = outputs.bundledVersions?.etcd;
            // The same rule the renderers follow (versions/versions.ts); an output that is no version says nothing.
            const old = typeof etcd === "string" && semver.valid(etcd) !== null && !etcdHasSamplingFlag(etcd);
            if (old)
                return `etcd ${etcd} has no sampling flag: its spans appear only inside sampled apiserver requests (trace the apiserver; on kind set kindEtcdImage)`;
            return `etcd sends only for requests it samples (rate ${rate ?? "?"} per million); check etcd reaches ${collector} and that --cluster-init (k3d) is set`;
        }
        case "apiserver":
            return `the apiserver samples nothing without a rate and ignores incoming trace context; check its tracing-config-file and that it reaches ${collector}`;
        case "kubelet":
            return `the kubelet samples only with a rate; check the kubelet config file is loaded and that it reaches ${collector}`;
        case "containerd": {
            const version = outputs.bundledVersions?.containerd;
            const known = typeof version === "string" && semver.valid(version) !== null;
            // The same rule the renderers follow (versions/versions.ts containerdReadsToml).
            const reads =
                known && containerdReadsToml(version)
                    ? "reads tracing from its TOML config (k3s's template, kind's patch)"
                    : known
                      ? "reads tracing only from OTEL_* env"
                      : "reads tracing from OTEL_* env or, before 1.6.32 and 1.7.16, its TOML config";
            const httpCollector = outputs.collectorNetworkHttpEndpoint ?? "the Collector's OTLP/HTTP port";
            return `${known ? `containerd ${version}` : "containerd"} ${reads} and needs an http:// URL endpoint; check the node's containerd settings and that it reaches ${httpCollector}`;
        }
    }
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function verify(outputs: VerifyOutputs, io: VerifyIO, options: VerifyOptions): Promise<VerifyReport> {
    const jaegerUrl = outputs.jaegerUrl.replace(/\/$/, "");
    const link = (service: string) => `${jaegerUrl}/search?service=${encodeURIComponent(service)}`;
    const results = new Map<TracedComponent, ComponentResult>();
    const pending = () => outputs.tracedComponents.filter((c) => !results.has(c));
    // A gap is still asked for on every pass (spans would show the version table is stale), but not waited for.
    const awaited = () => pending().filter((c) => !gapOf(outputs, c));
    // One deadline for the whole run: no request, pod or wait may outlast --timeout.
    const deadline = io.now() + options.timeoutMs;
    const timeLeft = () => deadline - io.now();
    const requestTimeout = () => Math.min(MAX_REQUEST_MS, timeLeft());
    const failed = (exitCode: 2 | 3, error: string): VerifyReport => ({ exitCode, jaegerUrl, components: [...results.values()], error });
    const jaegerFailure = (err: unknown, when: string) =>
        failed(
            EXIT.jaegerUnreachable,
            err instanceof JaegerAnswerError
                ? `Jaeger at ${jaegerUrl} answered wrongly: ${err.message}`
                : `Jaeger at ${jaegerUrl} ${when}: ${(err as Error).message}`,
        );
    try {
        checkServicesResponse(await io.get(`${jaegerUrl}/api/v3/services`, requestTimeout()));
    } catch (err) {
        return jaegerFailure(err, "did not answer");
    }
    let activity: Activity | undefined;
    try {
        activity = await io.activity(timeLeft());
    } catch (err) {
        return failed(
            EXIT.usage,
            `could not create the test pod with the stack's kubeconfig: ${(err as Error).message}; pass --no-activity to look for spans without it`,
        );
    }
    // Jaeger outlives a replaced cluster: only spans of this one count.
    const since = Math.max(io.now() - options.lookbackMs, activity?.clusterCreatedMs ?? 0);
    for (;;) {
        for (const component of pending()) {
            if (timeLeft() <= 0) break;
            const service = SERVICE_NAMES[component];
            const now = io.now();
            const url =
                `${jaegerUrl}/api/v3/traces?query.service_name=${encodeURIComponent(service)}` +
                `&query.start_time_min=${iso(since)}&query.start_time_max=${iso(now + 60_000)}&query.num_traces=100`;
            let spans: JaegerSpan[];
            try {
                spans = spansOfTracesResponse(await io.get(url, requestTimeout()), service);
            } catch (err) {
                return jaegerFailure(err, "stopped answering");
            }
            if (spans.length) {
                const newestNs = spans.map((s) => BigInt(s.startTimeUnixNano)).reduce((a, b) => (a > b ? a : b));
                const ageSeconds = Math.max(0, Math.round((now - Number(newestNs / 1_000_000n)) / 1000));
                results.set(component, { component, serviceName: service, spans: spans.length, newestSpanAgeSeconds: ageSeconds, jaegerLink: link(service) });
            }
        }
        if (!awaited().length || timeLeft() <= 0) break;
        await io.sleep(Math.min(options.pollMs, timeLeft()));
    }
    for (const component of pending()) {
        const expectedMissing = gapOf(outputs, component) ? { expectedMissing: true } : {};
        results.set(component, {
            component,
            serviceName: SERVICE_NAMES[component],
            spans: 0,
            jaegerLink: link(SERVICE_NAMES[component]),
            likelyCause: likelyCause(component, outputs),
            ...expectedMissing,
        });
    }
    const components = outputs.tracedComponents.map((c) => results.get(c)!);
    const exporters = outputs.exporters?.length ? { exporters: outputs.exporters } : {};
    return {
        exitCode: components.every((c) => c.spans > 0 || c.expectedMissing) ? EXIT.ok : EXIT.missing,
        jaegerUrl,
        countedSince: iso(since),
        ...(activity ? { traceId: activity.traceId } : {}),
        components,
        ...exporters,
    };
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
    const line = (cells: string[]) =>
        cells
            .map((c, i) => c.padEnd(widths[i]))
            .join("  ")
            .trimEnd();
    const missing = report.components.filter((c) => c.spans === 0);
    const unexpected = missing.filter((c) => !c.expectedMissing);
    const reached = report.components.length - missing.length;
    return [
        line(header),
        ...rows.map(line),
        "",
        ...missing.map((c) => `MISSING ${c.component}${c.expectedMissing ? " (this node image cannot trace it)" : ""}: ${c.likelyCause}`),
        ...(unexpected.length
            ? []
            : [missing.length ? `the other ${reached} traced components reach Jaeger` : `all ${reached} traced components reach Jaeger`]),
        ...(report.exporters?.length
            ? [`exporters: ${report.exporters.join(", ")} (the Collector also sends every span there; verify checks only the local Jaeger)`]
            : []),
        "",
    ].join("\n");
}
