// Jaeger's API v3 answering from traces recorded in the cluster tier (tests/fixtures/jaeger/, see its
// README), their times shifted so the newest span started `ageMs` ago: what verify and explain read,
// from a real cluster, without one. Tests change the recorded traces (drop a service's spans, cut a
// parent) to show each way the components' spans can fail to join up.
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { FIXTURES_DIR } from "./helpers";

interface OtlpSpan {
    traceId: string;
    spanId: string;
    parentSpanId?: string;
    name: string;
    startTimeUnixNano: string;
    endTimeUnixNano: string;
    attributes?: { key: string; value: Record<string, unknown> }[];
    links?: { traceId: string; spanId: string }[];
}

export interface RecordedSpan extends OtlpSpan {
    service: string;
    resource: { key: string; value: Record<string, unknown> }[];
}

/** The recorded answers: a verify of a kind 1.34.9 cluster at full sampling, the test pod created with a traceparent. */
export const RECORDED = {
    /** The trace id verify's requests carried; the API server linked its own traces to it (kind's admin is not in system:masters). */
    traceId: "bec37f094f37935370282db81c366b2c",
    /** The test pod. */
    pod: { namespace: "default", name: "kubetracing-verify-mxbxd1j6", uid: "29d427b6-bebd-480a-8c48-029b8d975f7a" },
    files: ["apiserver-pod-create-linked.json", "kubelet-syncpod-create.json"],
} as const;

/** Every span of the recorded answers, each with its resource. */
export function recordedSpans(): RecordedSpan[] {
    return RECORDED.files.flatMap((file) => {
        const answer = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, "jaeger", file), "utf8"));
        return answer.result.resourceSpans.flatMap((rs: { resource: { attributes: RecordedSpan["resource"] }; scopeSpans: { spans: OtlpSpan[] }[] }) => {
            const service = String(rs.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue ?? "");
            return rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, service, resource: rs.resource.attributes })));
        });
    });
}

export class RecordedJaeger {
    url = "";
    spans: RecordedSpan[];
    /** When the recorded pod's create started, after the shift (ms). */
    readonly podCreateMs: number;
    private server = http.createServer((req, res) => this.answer(req, res));

    /** @param change what a test does to the recorded spans before they are served */
    constructor(change: (spans: RecordedSpan[]) => RecordedSpan[] = (s) => s, ageMs = 2000) {
        const recorded = recordedSpans();
        const newest = recorded.map((s) => BigInt(s.startTimeUnixNano)).reduce((a, b) => (a > b ? a : b), 0n);
        const shift = BigInt(Date.now() - ageMs) * 1_000_000n - newest;
        const moved = (ns: string) => String(BigInt(ns) + shift);
        const post = recorded.find((s) => s.service === "apiserver" && s.name === "POST /api/v1/namespaces/{:namespace}/pods")!;
        this.podCreateMs = Number(BigInt(moved(post.startTimeUnixNano)) / 1_000_000n);
        this.spans = change(recorded).map((s) => ({ ...s, startTimeUnixNano: moved(s.startTimeUnixNano), endTimeUnixNano: moved(s.endTimeUnixNano) }));
    }

    async start(): Promise<this> {
        await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
        this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
        return this;
    }

    close(): Promise<void> {
        this.server.closeAllConnections();
        return new Promise((r) => this.server.close(() => r()));
    }

    private traces(spans: RecordedSpan[]) {
        const byService = new Map<string, RecordedSpan[]>();
        for (const s of spans) byService.set(s.service, [...(byService.get(s.service) ?? []), s]);
        return {
            result: {
                resourceSpans: [...byService.values()].map((list) => ({
                    resource: { attributes: list[0].resource },
                    scopeSpans: [{ scope: { name: "recorded" }, spans: list.map((s) => ({ ...s, service: undefined, resource: undefined })) }],
                })),
            },
        };
    }

    private answer(req: http.IncomingMessage, res: http.ServerResponse) {
        const u = new URL(req.url!, this.url);
        res.setHeader("Content-Type", "application/json");
        const notFound = () => {
            res.statusCode = 404;
            res.end(JSON.stringify({ error: { httpCode: 404, message: "No traces found" } }));
        };
        if (u.pathname === "/api/v3/services") return res.end(JSON.stringify({ services: [...new Set(this.spans.map((s) => s.service))] }));
        const byId = /^\/api\/v3\/traces\/([0-9a-f]+)$/.exec(u.pathname);
        if (byId) {
            const trace = this.spans.filter((s) => s.traceId === byId[1]);
            return trace.length ? res.end(JSON.stringify(this.traces(trace))) : notFound();
        }
        if (u.pathname === "/api/v3/traces") {
            const service = u.searchParams.get("query.service_name");
            const [min, max] = ["query.start_time_min", "query.start_time_max"].map((k) => BigInt(Date.parse(u.searchParams.get(k) ?? "")) * 1_000_000n);
            const ids = new Set(
                this.spans
                    .filter((s) => s.service === service && BigInt(s.startTimeUnixNano) >= min && BigInt(s.startTimeUnixNano) <= max)
                    .map((s) => s.traceId),
            );
            return ids.size ? res.end(JSON.stringify(this.traces(this.spans.filter((s) => ids.has(s.traceId))))) : notFound();
        }
        notFound();
    }
}
