// verify's edges against Jaeger answering with traces recorded from a real kind cluster (tests/jaeger-recorded.ts):
// apiserver → etcd through the API server's own trace that links to verify's traceparent, kubelet →
// containerd through the test pod's syncPod; then each way they fail to join up, and its cause.
import { EXIT, formatTable, verify, VerifyIO, VerifyOutputs } from "../scripts/verify-core";
import { httpGet } from "../scripts/verify";
import { RECORDED, RecordedJaeger, RecordedSpan } from "./jaeger-recorded";

const outputsFor = (jaegerUrl: string, extra: Partial<VerifyOutputs> = {}): VerifyOutputs => ({
    jaegerUrl,
    tracedComponents: ["etcd", "apiserver", "kubelet", "containerd"],
    samplingRatePerMillion: { etcd: 1000000, apiserver: 1000000, kubelet: 1000000, containerd: 1000000 },
    bundledVersions: { etcd: "3.6.4", containerd: "2.3.4" },
    collectorNetworkGrpcEndpoint: "kubetracing-dev-collector:4317",
    collectorNetworkHttpEndpoint: "http://kubetracing-dev-collector:4318",
    ...extra,
});

/**
 * verify's own work, as the recorded run did it: its traceparent, the test pod, and when it ran. Its clock
 * moves only when verify sleeps, so a run that waits out its --timeout (an edge never joins) takes no time.
 */
function ioFor(jaeger: RecordedJaeger): VerifyIO {
    const created = jaeger.podCreateMs;
    let now = Date.now();
    return {
        get: httpGet,
        activity: async () => ({
            clusterCreatedMs: created - 60_000,
            startedMs: created - 1000,
            endedMs: created + 3000,
            traceId: RECORDED.traceId,
            pod: RECORDED.pod,
        }),
        now: () => now,
        sleep: async (ms) => {
            now += ms;
            await new Promise((r) => setImmediate(r));
        },
    };
}

async function run(change?: (spans: RecordedSpan[]) => RecordedSpan[], extra: Partial<VerifyOutputs> = {}) {
    const jaeger = await new RecordedJaeger(change).start();
    try {
        return { report: await verify(outputsFor(jaeger.url, extra), ioFor(jaeger), { timeoutMs: 1500, pollMs: 100, lookbackMs: 15 * 60_000 }), jaeger };
    } finally {
        await jaeger.close();
    }
}

const without = (service: string) => (spans: RecordedSpan[]) => spans.filter((s) => s.service !== service);
/** The callee's spans cut from their callers: each the root of a trace of its own. */
const cutFrom = (service: string) => (spans: RecordedSpan[]) =>
    spans.map((s) => (s.service === service ? { ...s, parentSpanId: undefined, traceId: `${s.traceId.slice(0, 24)}00000000` } : s));

describe("verify's edges, on traces recorded from a real kind cluster", () => {
    it("finds apiserver → etcd linked from its own request, and kubelet → containerd in the test pod's start", async () => {
        const { report, jaeger } = await run();
        expect(report.edges).toEqual([
            {
                edge: "apiserver → etcd",
                joined: true,
                via: "linked from verify's request",
                traceId: "d414a194e3229b7192b476b672c5517d",
                jaegerLink: `${jaeger.url}/trace/d414a194e3229b7192b476b672c5517d`,
            },
            {
                edge: "kubelet → containerd",
                joined: true,
                via: "the test pod's start",
                traceId: "853382d93f7a4743692b1cb29b3577dd",
                jaegerLink: `${jaeger.url}/trace/853382d93f7a4743692b1cb29b3577dd`,
            },
        ]);
        expect(report.exitCode).toBe(EXIT.ok);
        expect(formatTable(report)).toContain("all 4 traced components reach Jaeger, and their spans join up: apiserver → etcd, kubelet → containerd\n");
        expect(formatTable(report)).toMatch(
            /\nedge {18}joined {2}found in {22}trace\napiserver → etcd {6}yes {5}linked from verify's request {2}http:\/\/127\.0\.0\.1:\d+\/trace\/d414a194e3229b7192b476b672c5517d\n/,
        );
    });

    it("finds apiserver → etcd in verify's own trace when the API server joined it (a caller in system:masters)", async () => {
        // As the API server does for a privileged caller: its spans carry the caller's trace id, the root's parent is the caller's span.
        const joined = (spans: RecordedSpan[]) =>
            spans.map((s) => (s.traceId === "d414a194e3229b7192b476b672c5517d" ? { ...s, traceId: RECORDED.traceId, links: undefined } : s));
        const { report } = await run(joined);
        expect(report.edges?.[0]).toMatchObject({ edge: "apiserver → etcd", joined: true, via: "verify's request", traceId: RECORDED.traceId });
    });

    it("without its own traces (--no-activity), takes any trace of the cluster's work that holds both", async () => {
        const jaeger = await new RecordedJaeger().start();
        try {
            const io = { ...ioFor(jaeger), activity: async () => undefined };
            const report = await verify(outputsFor(jaeger.url), io, { timeoutMs: 1500, pollMs: 100, lookbackMs: 15 * 60_000 });
            expect(report.edges?.map((e) => [e.edge, e.joined, e.via])).toEqual([
                ["apiserver → etcd", true, "another trace"],
                ["kubelet → containerd", true, "another trace"],
            ]);
        } finally {
            await jaeger.close();
        }
    });

    it("etcd's spans cut from the apiserver's: not joined, exit 1, and the sampling and etcd's tracing named", async () => {
        const { report } = await run(cutFrom("etcd"));
        expect(report.error).toBeUndefined();
        expect(report.components.every((c) => c.spans > 0)).toBe(true);
        expect(report.edges?.[0]).toEqual({
            edge: "apiserver → etcd",
            joined: false,
            likelyCause:
                "no sampled apiserver request in the window holds an etcd span: the apiserver samples 1000000 per million requests and etcd joins only the sampled ones; check that etcd continues incoming traces (its tracing flags on the bundled etcd 3.6.4) and raise kubetracing:apiserverSamplingRatePerMillion to see more",
        });
        expect(report.exitCode).toBe(EXIT.missing);
        expect(formatTable(report)).toContain("\nNOT JOINED apiserver → etcd: no sampled apiserver request in the window holds an etcd span");
        expect(formatTable(report)).not.toContain("join up");
    });

    it("containerd's spans cut from the kubelet's: not joined, with the kubelet's sampling and containerd's settings named", async () => {
        const { report } = await run(cutFrom("containerd"), {
            samplingRatePerMillion: { etcd: 100000, apiserver: 100000, kubelet: 100000, containerd: 100000 },
        });
        expect(report.edges?.[1]).toEqual({
            edge: "kubelet → containerd",
            joined: false,
            likelyCause:
                "no sampled kubelet call in the window holds a containerd span: the kubelet samples 100000 per million requests and containerd joins only the sampled ones (OTEL_TRACES_SAMPLER=parentbased_traceidratio); check the nodes' containerd OTEL_* settings and raise kubetracing:kubeletSamplingRatePerMillion to see more",
        });
        expect(report.exitCode).toBe(EXIT.missing);
    });

    it("a component that sends nothing: its edge is not joined, pointing at the component's own cause", async () => {
        const { report } = await run(without("etcd"));
        expect(report.edges?.[0]).toEqual({
            edge: "apiserver → etcd",
            joined: false,
            likelyCause: "etcd sent no spans (see above), so no trace can hold both",
        });
        expect(formatTable(report)).toMatch(/^MISSING etcd: /m);
    });

    it("an apiserver at sampling rate 0: the edge's cause says so", async () => {
        const { report } = await run(without("apiserver"), { samplingRatePerMillion: { etcd: 1000000, apiserver: 0, kubelet: 1000000, containerd: 1000000 } });
        expect(report.edges?.[0].likelyCause).toBe("apiserver sent no spans (see above), so no trace can hold both");
        expect(report.components.find((c) => c.component === "apiserver")?.likelyCause).toMatch(/^sampling rate is 0/);
    });

    it("containerd on k3s (a tracing gap): kubelet → containerd is not checked and fails nothing", async () => {
        const gap = "v1.34.9+k3s1 (containerd 2.2.5): k3s runs containerd inside its own binary …";
        const { report } = await run(without("containerd"), { tracingGaps: { containerd: gap } });
        expect(report.edges?.[1]).toEqual({ edge: "kubelet → containerd", joined: false, skipped: gap });
        expect(report.exitCode).toBe(EXIT.ok);
        expect(formatTable(report)).toContain(`\nnot checked kubelet → containerd: ${gap}\n`);
    });

    it("checks only the edges whose two components are traced", async () => {
        const { report } = await run(undefined, { tracedComponents: ["etcd", "kubelet", "containerd"] });
        expect(report.edges?.map((e) => e.edge)).toEqual(["kubelet → containerd"]);
    });
});
