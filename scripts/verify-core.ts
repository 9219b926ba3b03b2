// The logic of `npm run verify`, with its I/O passed in so the tests can drive it against a fake
// Jaeger speaking the real API v3 format: cause control-plane activity, then ask Jaeger, per traced
// component, for spans; retry until all are found or the wait is over; explain what is missing.
import { SERVICE_NAMES } from "../stack/endpoints";
import * as semver from "semver";
import { containerdReadsToml, etcdHasSamplingFlag } from "../versions/versions";
import type { TracedComponent } from "../settings/settings";
import { excerpt, isObject, JaegerAnswerError, ms, parseJson, Span, spansOfAnswer } from "./otlp-json";
import { EdgeResult, EDGES, EdgeSpec, findEdge } from "./edges";

export { JaegerAnswerError };

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
    /** When verify's own requests began and ended: its traces (and those linked to them) start in between. */
    startedMs: number;
    endedMs: number;
    /** The W3C trace id every request of the test activity carried in its traceparent. */
    traceId: string;
    /** The test pod, created and deleted, with its times as the API server gave them (second resolution). */
    pod: { namespace: string; name: string; uid: string; createdMs?: number; scheduledMs?: number; startedMs?: number };
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
    /** Whether the components' spans join up: one trace with the caller's span and the callee's under it. */
    edges?: EdgeResult[];
    /** The team backends the Collector also sends to, named so the reader knows they were not checked. */
    exporters?: string[];
    /** Set when verify could not do its job: bad usage or outputs (2), Jaeger unreachable or answering wrongly (3). */
    error?: string;
}

export const EXIT = { ok: 0, missing: 1, usage: 2, jaegerUnreachable: 3 } as const;

/** No single request waits longer than this, whatever time is left. */
export const MAX_REQUEST_MS = 10_000;
/** No request is started with less time than this left: it could only time out, and a timeout reads as Jaeger failing. */
export const MIN_REQUEST_MS = 250;
/** How long after its requests verify waits for its own traces to show an edge, where another trace already does. */
export const OWN_TRACE_GRACE_MS = 15_000;

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

/** The spans of one service in a /api/v3/traces answer (the answer holds whole traces, other services' spans too). */
export function spansOfTracesResponse(response: HttpResponse, serviceName: string): Span[] {
    return spansOfAnswer(response).filter((s) => s.service === "" || s.service === serviceName);
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
    // etcd samples parent-based (etcd v3.6.5 server/embed/config_tracing.go), and so does containerd
    // where it reads the rendered OTEL_TRACES_SAMPLER=parentbased_traceidratio: every call of a caller
    // that samples nothing carries an unsampled parent, and they follow it (seen on a kind 1.34 cluster).
    const caller = EDGES.find((e) => e.callee === component)?.caller;
    const containerd = outputs.bundledVersions?.containerd;
    const parentBased = component === "etcd" || (typeof containerd === "string" && semver.valid(containerd) !== null && !containerdReadsToml(containerd));
    if (caller && parentBased && outputs.samplingRatePerMillion?.[caller] === 0) {
        return `${component} samples as its caller does, and the ${caller} samples nothing: set kubetracing:${caller}SamplingRatePerMillion (or samplingRatePerMillion) above 0`;
    }
    const collector = outputs.collectorNetworkGrpcEndpoint ?? "the Collector";
    switch (component) {
        case "etcd": {
            const etcd = outputs.bundledVersions?.etcd;
            // The same rule the renderers follow (versions/versions.ts); an output that is no version says nothing.
            const old = typeof etcd === "string" && semver.valid(etcd) !== null && !etcdHasSamplingFlag(etcd);
            if (old)
                return `etcd ${etcd} has no sampling flag: its spans appear only inside sampled apiserver requests (trace the apiserver; on kind set kindEtcdImage)`;
            const k3d = outputs.engine === "k3d" ? " and that --cluster-init is set (k3s runs etcd only with it)" : "";
            return `etcd sends only for requests it samples (rate ${rate ?? "?"} per million); check etcd reaches ${collector}${k3d}`;
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

/** Why an edge did not join, both of its components traced. */
export function edgeCause(spec: EdgeSpec, outputs: VerifyOutputs, results: Map<TracedComponent, ComponentResult>): string {
    const silent = [spec.caller, spec.callee].filter((c) => !results.get(c)?.spans);
    if (silent.length) return `${silent.join(" and ")} sent no spans (see above), so no trace can hold both`;
    const rate = outputs.samplingRatePerMillion?.[spec.caller];
    if (rate === 0) return `the ${spec.caller} samples nothing (rate 0), so ${spec.callee} has no ${spec.caller} trace to join`;
    const sampling = `the ${spec.caller} samples ${rate ?? "?"} per million requests and ${spec.callee} joins only the sampled ones`;
    if (spec.callee === "etcd") {
        return `no sampled apiserver request in the window holds an etcd span: ${sampling}; check that etcd continues incoming traces (its tracing flags on the bundled etcd ${outputs.bundledVersions?.etcd ?? "?"}) and raise kubetracing:apiserverSamplingRatePerMillion to see more`;
    }
    return `no sampled kubelet call in the window holds a containerd span: ${sampling} (OTEL_TRACES_SAMPLER=parentbased_traceidratio); check the nodes' containerd OTEL_* settings and raise kubetracing:kubeletSamplingRatePerMillion to see more`;
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
    /** Every span seen, by trace and span id: the answers hold whole traces, which the edges are read from. */
    const seen = new Map<string, Span>();
    const search = async (service: string, from: number, to: number, limit: number): Promise<Span[]> => {
        const url =
            `${jaegerUrl}/api/v3/traces?query.service_name=${encodeURIComponent(service)}` +
            `&query.start_time_min=${iso(from)}&query.start_time_max=${iso(to)}&query.num_traces=${limit}`;
        const all = spansOfAnswer(await io.get(url, requestTimeout()));
        for (const s of all) seen.set(`${s.traceId}/${s.spanId}`, s);
        return all.filter((s) => s.service === "" || s.service === service);
    };
    const edgeSpecs = EDGES.filter((e) => outputs.tracedComponents.includes(e.caller) && outputs.tracedComponents.includes(e.callee));
    const edges = new Map<string, EdgeResult>();
    const edgeSkipped = (spec: EdgeSpec) => gapOf(outputs, spec.caller) ?? gapOf(outputs, spec.callee);
    // Another trace shows an edge as well as verify's own, but its own shows the request it made: wait a little
    // longer for it (each component's exporter sends every 5 s), then take what there is.
    const ownBy = activity ? activity.endedMs + OWN_TRACE_GRACE_MS : 0;
    const settled = (e: EdgeSpec) => edges.has(e.edge) && (edges.get(e.edge)!.via !== "another trace" || io.now() >= ownBy);
    const pendingEdges = () => edgeSpecs.filter((e) => !settled(e) && !edgeSkipped(e));
    const context = { traceId: activity?.traceId, podUid: activity?.pod.uid };
    for (;;) {
        try {
            for (const component of pending()) {
                if (timeLeft() < MIN_REQUEST_MS) break;
                const service = SERVICE_NAMES[component];
                const now = io.now();
                const spans = await search(service, since, now + 60_000, 100);
                if (spans.length) {
                    const newestMs = ms(spans.map((s) => s.startNs).reduce((a, b) => (a > b ? a : b)));
                    const ageSeconds = Math.max(0, Math.round((now - newestMs) / 1000));
                    results.set(component, {
                        component,
                        serviceName: service,
                        spans: spans.length,
                        newestSpanAgeSeconds: ageSeconds,
                        jaegerLink: link(service),
                    });
                }
            }
            // verify's own traces: its requests' trace (and, for the API server's own traces that link to it, the
            // callers' traces while its requests ran), then the test pod's start.
            if (activity && pendingEdges().length && timeLeft() >= MIN_REQUEST_MS * 3) {
                for (const s of spansOfAnswer(await io.get(`${jaegerUrl}/api/v3/traces/${activity.traceId}`, requestTimeout()), "/api/v3/traces/{id}")) {
                    seen.set(`${s.traceId}/${s.spanId}`, s);
                }
                for (const caller of new Set(pendingEdges().map((e) => SERVICE_NAMES[e.caller]))) {
                    await search(caller, activity.startedMs - 1000, activity.endedMs + 5000, 1000);
                }
            }
        } catch (err) {
            return jaegerFailure(err, "stopped answering");
        }
        for (const spec of pendingEdges()) {
            const found = findEdge([...seen.values()], spec, context);
            if (found) edges.set(spec.edge, { edge: spec.edge, joined: true, ...found, jaegerLink: `${jaegerUrl}/trace/${found.traceId}` });
        }
        if ((!awaited().length && !pendingEdges().length) || timeLeft() < MIN_REQUEST_MS) break;
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
    for (const spec of edgeSpecs) {
        if (edges.has(spec.edge)) continue;
        const skipped = edgeSkipped(spec);
        edges.set(
            spec.edge,
            skipped ? { edge: spec.edge, joined: false, skipped } : { edge: spec.edge, joined: false, likelyCause: edgeCause(spec, outputs, results) },
        );
    }
    const edgeResults = edgeSpecs.map((e) => edges.get(e.edge)!);
    const exporters = outputs.exporters?.length ? { exporters: outputs.exporters } : {};
    const allThere = components.every((c) => c.spans > 0 || c.expectedMissing) && edgeResults.every((e) => e.joined || e.skipped);
    return {
        exitCode: allThere ? EXIT.ok : EXIT.missing,
        jaegerUrl,
        countedSince: iso(since),
        ...(activity ? { traceId: activity.traceId } : {}),
        components,
        edges: edgeResults,
        ...exporters,
    };
}

/** Rows as columns padded to their widest cell. */
function columns(header: string[], rows: string[][]): string[] {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    return [header, ...rows].map((cells) =>
        cells
            .map((c, i) => c.padEnd(widths[i]))
            .join("  ")
            .trimEnd(),
    );
}

export function formatTable(report: VerifyReport): string {
    if (report.error) return `verify: ${report.error}\n`;
    const componentRows = report.components.map((c) => [
        c.component,
        c.serviceName,
        String(c.spans),
        c.newestSpanAgeSeconds === undefined ? "-" : `${c.newestSpanAgeSeconds}s ago`,
        c.jaegerLink,
    ]);
    const edges = report.edges ?? [];
    const edgeRows = edges.map((e) => [e.edge, e.joined ? "yes" : e.skipped ? "not checked" : "no", e.via ?? "-", e.jaegerLink ?? "-"]);
    const missing = report.components.filter((c) => c.spans === 0);
    const unexpected = missing.filter((c) => !c.expectedMissing);
    const reached = report.components.length - missing.length;
    const apart = edges.filter((e) => !e.joined && !e.skipped);
    const joined = edges.filter((e) => e.joined);
    return [
        ...columns(["component", "service", "spans", "newest", "jaeger"], componentRows),
        ...(edgeRows.length ? ["", ...columns(["edge", "joined", "found in", "trace"], edgeRows)] : []),
        "",
        ...missing.map((c) => `MISSING ${c.component}${c.expectedMissing ? " (this node image cannot trace it)" : ""}: ${c.likelyCause}`),
        ...apart.map((e) => `NOT JOINED ${e.edge}: ${e.likelyCause}`),
        ...edges.filter((e) => e.skipped).map((e) => `not checked ${e.edge}: ${e.skipped}`),
        ...(unexpected.length
            ? []
            : [
                  (missing.length ? `the other ${reached} traced components reach Jaeger` : `all ${reached} traced components reach Jaeger`) +
                      (joined.length && !apart.length ? `, and their spans join up: ${joined.map((e) => e.edge).join(", ")}` : ""),
              ]),
        ...(report.exporters?.length
            ? [`exporters: ${report.exporters.join(", ")} (the Collector also sends every span there; verify checks only the local Jaeger)`]
            : []),
        "",
    ].join("\n");
}
