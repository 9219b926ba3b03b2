// Whether the components' spans join up: one trace holding a caller's span and, under it, the span of
// the component it called. Read from real traces (the cluster tier's): the API server's request spans
// have etcd's `etcdserverpb.KV/Txn` (and Range) as children; the kubelet's CRI client spans
// (`runtime.v1.RuntimeService/RunPodSandbox`, …, under `syncPod`) have containerd's server spans of the
// same names as children. Pure: the spans come from Jaeger through verify.
import type { Span } from "./otlp-json";
import type { TracedComponent } from "../settings/settings";
import { SERVICE_NAMES } from "../stack/endpoints";

export interface EdgeSpec {
    edge: string;
    caller: TracedComponent;
    callee: TracedComponent;
}

export const EDGES: readonly EdgeSpec[] = [
    { edge: "apiserver → etcd", caller: "apiserver", callee: "etcd" },
    { edge: "kubelet → containerd", caller: "kubelet", callee: "containerd" },
];

/** How the trace that joins an edge was found. */
export type EdgeVia =
    /** verify's request itself: the API server joined the traceparent it sent (a caller in system:masters). */
    | "verify's request"
    /** a trace of the API server's own whose root links to verify's traceparent (any other caller). */
    | "linked from verify's request"
    /** the kubelet's syncPod of verify's test pod. */
    | "the test pod's start"
    /** any other trace of the cluster's own work. */
    | "another trace";

export interface EdgeResult {
    edge: string;
    joined: boolean;
    via?: EdgeVia;
    traceId?: string;
    jaegerLink?: string;
    /** Why it probably did not join; only when it did not. */
    likelyCause?: string;
    /** Not checked, and why (a side is not traced, or the node image cannot trace it); fails nothing. */
    skipped?: string;
}

/** What verify's own work left to find its traces by. */
export interface EdgeContext {
    /** The trace id verify's requests carried in their traceparent. */
    traceId?: string;
    /** The test pod's uid (the kubelet names it on syncPod: k8s.pod.uid). */
    podUid?: string;
}

/** The traces in which a callee span is the child of a caller span. */
export function joiningTraces(spans: Span[], spec: EdgeSpec): Set<string> {
    const callerSpans = new Set(spans.filter((s) => s.service === SERVICE_NAMES[spec.caller]).map((s) => `${s.traceId}/${s.spanId}`));
    return new Set(
        spans
            .filter((s) => s.service === SERVICE_NAMES[spec.callee] && s.parentSpanId && callerSpans.has(`${s.traceId}/${s.parentSpanId}`))
            .map((s) => s.traceId),
    );
}

/** The joining trace this edge is best shown by: verify's own work first, then any. */
export function findEdge(spans: Span[], spec: EdgeSpec, context: EdgeContext): { via: EdgeVia; traceId: string } | undefined {
    const joined = joiningTraces(spans, spec);
    if (!joined.size) return undefined;
    const ours = (traceIds: Iterable<string>, via: EdgeVia) => {
        for (const id of traceIds) if (joined.has(id)) return { via, traceId: id };
        return undefined;
    };
    const caller = SERVICE_NAMES[spec.caller];
    const linked = context.traceId ? spans.filter((s) => s.service === caller && s.links.some((l) => l.traceId === context.traceId)).map((s) => s.traceId) : [];
    const podStarts = context.podUid
        ? spans.filter((s) => s.service === caller && s.name === "syncPod" && s.attributes["k8s.pod.uid"] === context.podUid).map((s) => s.traceId)
        : [];
    return (
        (context.traceId ? ours([context.traceId], "verify's request") : undefined) ??
        ours(linked, "linked from verify's request") ??
        ours(podStarts, "the test pod's start") ?? { via: "another trace", traceId: [...joined].sort()[0] }
    );
}
