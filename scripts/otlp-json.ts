// Jaeger's query API v3 answers with OTLP-JSON (cmd/query/app/apiv3/http_gateway.go): spans under
// result.resourceSpans[].scopeSpans[].spans, ids as hex, times as nanosecond strings. This reads it into
// typed spans, refusing an answer of another shape by name (JaegerAnswerError), never by regex.

/** Jaeger answered, but not what its API v3 answers: a proxy, another service on the port, a broken build. */
export class JaegerAnswerError extends Error {
    constructor(what: string) {
        super(what);
        this.name = "JaegerAnswerError";
    }
}

export interface SpanLink {
    traceId: string;
    spanId: string;
}

export interface Span {
    traceId: string;
    spanId: string;
    /** Empty for a trace's root. */
    parentSpanId: string;
    name: string;
    /** The resource's service.name ("" when it has none). */
    service: string;
    startNs: bigint;
    endNs: bigint;
    /** The span's own attributes, each value as text. */
    attributes: Record<string, string>;
    /** The resource's attributes (the node agent adds k8s.node.name there). */
    resource: Record<string, string>;
    links: SpanLink[];
}

export interface HttpAnswer {
    status: number;
    body: string;
}

/** A short, printable piece of an unexpected body (it may be HTML, or binary). */
export const excerpt = (body: string) =>
    JSON.stringify(
        body
            .trim()
            .slice(0, 120)
            .replace(/[^\x20-\x7e]/g, "?"),
    );

export function parseJson(response: HttpAnswer, what: string): unknown {
    if (response.status !== 200) throw new JaegerAnswerError(`${what} answered HTTP ${response.status} (expected 200): ${excerpt(response.body)}`);
    try {
        return JSON.parse(response.body);
    } catch {
        throw new JaegerAnswerError(`${what} answered 200 with a body that is not JSON: ${excerpt(response.body)}`);
    }
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** An OTLP AnyValue as text: a string as it is, anything else (int, bool, double, array) as its JSON. */
function valueText(value: unknown): string {
    if (!isObject(value)) return "";
    if (typeof value.stringValue === "string") return value.stringValue;
    const [only] = Object.values(value);
    return only === undefined ? "" : typeof only === "string" ? only : JSON.stringify(only);
}

/**
 * /api/v3/traces and /api/v3/traces/{id} answer 200 {"result": {"resourceSpans": [...]}}, or 404 with
 * {"error": {"httpCode": 404, "message": "No traces found"}} when nothing matches.
 */
export function spansOfAnswer(response: HttpAnswer, what = "/api/v3/traces"): Span[] {
    if (response.status === 404) return [];
    const data = parseJson(response, what);
    const wrong = (problem: string) => new JaegerAnswerError(`${what} answered OTLP-JSON with ${problem}`);
    if (!isObject(data) || !isObject(data.result)) throw wrong(`no "result" object: ${excerpt(response.body)}`);
    const list = (value: unknown, name: string): unknown[] => {
        if (value === undefined) return [];
        if (!Array.isArray(value)) throw wrong(`"${name}" that is not a list`);
        return value;
    };
    const attributes = (value: unknown, name: string): Record<string, string> =>
        Object.fromEntries(
            list(value, name).map((a) => {
                if (!isObject(a) || typeof a.key !== "string") throw wrong(`an entry of "${name}" without a key`);
                return [a.key, valueText(a.value)];
            }),
        );
    const nanos = (value: unknown): bigint | undefined => {
        const text = typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
        return typeof text === "string" && /^\d{1,20}$/.test(text) ? BigInt(text) : undefined;
    };
    const hex = (value: unknown) => (typeof value === "string" ? value : "");
    const spans: Span[] = [];
    for (const rs of list(data.result.resourceSpans, "resourceSpans")) {
        if (!isObject(rs)) throw wrong("a resourceSpans entry that is not an object");
        const resource = isObject(rs.resource) ? attributes(rs.resource.attributes, "resource.attributes") : {};
        for (const ss of list(rs.scopeSpans, "scopeSpans")) {
            if (!isObject(ss)) throw wrong("a scopeSpans entry that is not an object");
            for (const s of list(ss.spans, "spans")) {
                const start = isObject(s) ? nanos(s.startTimeUnixNano) : undefined;
                if (!isObject(s) || typeof s.name !== "string" || start === undefined) {
                    throw wrong(`a span without a name and a startTimeUnixNano in nanoseconds: ${excerpt(JSON.stringify(s) ?? "")}`);
                }
                spans.push({
                    traceId: hex(s.traceId),
                    spanId: hex(s.spanId),
                    parentSpanId: hex(s.parentSpanId),
                    name: s.name,
                    service: resource["service.name"] ?? "",
                    startNs: start,
                    endNs: nanos(s.endTimeUnixNano) ?? start,
                    attributes: attributes(s.attributes, "attributes"),
                    resource,
                    links: list(s.links, "links").flatMap((l) => (isObject(l) ? [{ traceId: hex(l.traceId), spanId: hex(l.spanId) }] : [])),
                });
            }
        }
    }
    return spans;
}

/** Milliseconds since the epoch of a span time. */
export const ms = (ns: bigint) => Number(ns / 1_000_000n);
