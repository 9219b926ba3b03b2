// A pod's start, assembled from the control plane's traces (read from the cluster tier's): the API server's
// create (POST …/pods, etcd's KV/Txn under it), the kubelet's syncPod of the pod (its CRI calls with
// containerd's server spans under them: RunPodSandbox, ImageStatus or PullImage, CreateContainer,
// StartContainer). The scheduler has no tracing upstream, so its binding is the pod's PodScheduled
// condition, read from the API. Pure: the spans and the pod come from `npm run explain`.
import { ms, Span } from "./otlp-json";

/** What the API server says of the pod. */
export interface PodFacts {
    namespace: string;
    name: string;
    uid: string;
    /** metadata.creationTimestamp (second resolution). */
    createdMs: number;
    /** The PodScheduled condition's lastTransitionTime (second resolution), if scheduled. */
    scheduledMs?: number;
    /** The first container's state.running/terminated.startedAt (second resolution), if it started. */
    startedMs?: number;
}

export interface WaterfallRow {
    /** Milliseconds from the start of the pod's create. */
    offsetMs: number;
    durationMs: number;
    component: string;
    name: string;
    traceId: string;
}

export interface Step {
    step: string;
    ms: number;
    /** Of the whole start, 0..1. */
    share: number;
}

export interface PodStart {
    pod: PodFacts;
    /** From the create's first span to the end of StartContainer, in milliseconds. */
    totalMs: number;
    rows: WaterfallRow[];
    criticalPath: Step[];
    /** The traces it is read from. */
    traceIds: string[];
    notes: string[];
}

export class PodStartError extends Error {
    constructor(what: string) {
        super(what);
        this.name = "PodStartError";
    }
}

const CRI = "runtime.v1.RuntimeService/";
const IMAGE = "runtime.v1.ImageService/";

/** The CRI call of this name in the kubelet's trace: the kubelet's client span, else containerd's server span. */
function criCall(trace: Span[], method: string): Span | undefined {
    return trace.find((s) => s.service === "kubelet" && s.name === method) ?? trace.find((s) => s.service === "containerd" && s.name === method);
}

/**
 * @param create the API server's trace of the pod's create (POST …/pods), if one was sampled and found
 * @param syncPod the kubelet's trace of the pod's first sync (syncPod with update_type create)
 */
export function assemblePodStart(pod: PodFacts, syncPod: Span[], create: Span[] | undefined): PodStart {
    const notes: string[] = [];
    const sync = syncPod.find((s) => s.service === "kubelet" && s.name === "syncPod" && s.attributes["k8s.pod.uid"] === pod.uid);
    if (!sync) throw new PodStartError(`no kubelet syncPod of pod ${pod.namespace}/${pod.name} (uid ${pod.uid}) in the traces`);
    const post = create?.find((s) => s.service === "apiserver" && !s.parentSpanId && s.name.startsWith("POST "));
    if (!post) {
        notes.push(
            "the API server's create of the pod is not in Jaeger (not sampled at its rate, or sent by a caller whose request was not traced); the start is counted from the pod's creationTimestamp",
        );
    }
    const run = criCall(syncPod, `${CRI}RunPodSandbox`);
    const createContainer = criCall(syncPod, `${CRI}CreateContainer`);
    const start = criCall(syncPod, `${CRI}StartContainer`);
    if (!start) throw new PodStartError(`the kubelet's syncPod of ${pod.namespace}/${pod.name} holds no StartContainer call: has its container started?`);
    const t0 = post ? ms(post.startNs) : pod.createdMs;
    const end = ms(start.endNs);
    const totalMs = Math.max(1, end - t0);
    const row = (s: Span): WaterfallRow => ({
        offsetMs: ms(s.startNs) - t0,
        durationMs: ms(s.endNs) - ms(s.startNs),
        component: s.service,
        name: s.name,
        traceId: s.traceId,
    });

    const createRows = post && create ? [post, ...create.filter((s) => s.service === "etcd")] : [];
    // The kubelet's sync and containerd's side of each CRI call that starts the pod (the kubelet's own client spans mirror them).
    const criMethods = [`${CRI}RunPodSandbox`, `${IMAGE}PullImage`, `${IMAGE}ImageStatus`, `${CRI}CreateContainer`, `${CRI}StartContainer`];
    const startRows = [sync, ...syncPod.filter((s) => s.service === "containerd" && criMethods.includes(s.name))];
    const rows = [...createRows, ...startRows].map(row).sort((a, b) => a.offsetMs - b.offsetMs || b.durationMs - a.durationMs);

    const images = syncPod.filter((s) => s.service === "kubelet" && (s.name === `${IMAGE}PullImage` || s.name === `${IMAGE}ImageStatus`));
    const pulled = images.some((s) => s.name === `${IMAGE}PullImage`);
    if (!pulled) notes.push("no PullImage: the image was already on the node (the kubelet only asked ImageStatus)");
    notes.push(
        "the scheduler has no tracing upstream: its binding is the pod's PodScheduled condition (second resolution), within the step before the kubelet's sync",
    );

    const span = (s: Span | undefined) => (s ? ms(s.endNs) - ms(s.startNs) : 0);
    const steps: [string, number][] = [
        ["API create (apiserver, etcd write)", post ? span(post) : 0],
        [
            `scheduling and the kubelet's watch${pod.scheduledMs !== undefined ? ` (PodScheduled at ${new Date(pod.scheduledMs).toISOString().slice(11, 19)}, to the second)` : ""}`,
            ms(sync.startNs) - (post ? ms(post.endNs) : t0),
        ],
        ["kubelet prepares the pod (syncPod before the sandbox)", run ? ms(run.startNs) - ms(sync.startNs) : 0],
        ["sandbox (RunPodSandbox)", span(run)],
        [pulled ? "image pull (PullImage)" : "image check (ImageStatus, image present)", images.reduce((sum, s) => sum + span(s), 0)],
        ["CreateContainer", span(createContainer)],
        ["StartContainer", span(start)],
    ];
    return {
        pod,
        totalMs,
        rows,
        criticalPath: steps.map(([step, stepMs]) => ({ step, ms: Math.max(0, stepMs), share: Math.max(0, stepMs) / totalMs })),
        traceIds: [...new Set([...(post ? [post.traceId] : []), sync.traceId])],
        notes,
    };
}

/** The waterfall on a terminal: offset, a bar over the whole start, component and span; then the critical path. */
export function formatPodStart(start: PodStart, jaegerUrl: string, width = 40): string {
    const scale = (value: number) => Math.round((value / start.totalMs) * width);
    const lines = start.rows.map((r) => {
        const from = Math.min(width - 1, Math.max(0, scale(r.offsetMs)));
        const length = Math.max(1, Math.min(width - from, scale(r.durationMs)));
        const bar = " ".repeat(from) + "█".repeat(length) + " ".repeat(width - from - length);
        return `${`+${r.offsetMs}`.padStart(7)} ms  |${bar}|  ${`${r.durationMs} ms`.padStart(8)}  ${r.component.padEnd(10)}  ${r.name}`;
    });
    const top = [...start.criticalPath].sort((a, b) => b.share - a.share)[0];
    return [
        `pod ${start.pod.namespace}/${start.pod.name}: ${start.totalMs} ms from the API create to its container started`,
        "",
        ...lines,
        "",
        "critical path:",
        ...start.criticalPath.map((s) => `  ${`${s.ms} ms`.padStart(8)}  ${`${Math.round(s.share * 100)} %`.padStart(5)}  ${s.step}`),
        `  the largest: ${top.step} ${Math.round(top.share * 100)} %`,
        "",
        ...start.traceIds.map((id) => `trace: ${jaegerUrl}/trace/${id}`),
        ...start.notes.map((n) => `note: ${n}`),
        "",
    ].join("\n");
}
