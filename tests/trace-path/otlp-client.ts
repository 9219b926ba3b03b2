// Test spans into the published OTLP ports, each export's result checked: gRPC through the
// OpenTelemetry JS SDK's exporter, HTTP as the OTLP/JSON request the protocol specifies.
import { randomBytes } from "crypto";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, ReadableSpan, SpanProcessor } from "@opentelemetry/sdk-trace-base";

/** One finished span, exported once over OTLP/gRPC to host:port (plaintext); rejects if the export fails. */
export async function sendGrpcTestSpan(hostPort: string, service: string, spanName: string): Promise<void> {
    const ended: ReadableSpan[] = [];
    const capture: SpanProcessor = {
        onStart: () => undefined,
        onEnd: (span) => void ended.push(span),
        forceFlush: async () => undefined,
        shutdown: async () => undefined,
    };
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ "service.name": service }), spanProcessors: [capture] });
    provider.getTracer("kubetracing-tests").startSpan(spanName).end();
    const exporter = new OTLPTraceExporter({ url: `http://${hostPort}` });
    try {
        await new Promise<void>((resolve, reject) =>
            exporter.export(ended, (result) => (result.code === 0 ? resolve() : reject(result.error ?? new Error(`OTLP/gRPC export to ${hostPort} failed`)))),
        );
    } finally {
        await exporter.shutdown();
        await provider.shutdown();
    }
}

/** One span as OTLP/JSON, POSTed to <url>/v1/traces; rejects unless the receiver answers 2xx. */
export async function sendHttpTestSpan(url: string, service: string, spanName: string): Promise<void> {
    const now = BigInt(Date.now()) * 1_000_000n;
    const body = {
        resourceSpans: [
            {
                resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
                scopeSpans: [
                    {
                        scope: { name: "kubetracing-tests" },
                        spans: [
                            {
                                traceId: randomBytes(16).toString("hex"),
                                spanId: randomBytes(8).toString("hex"),
                                name: spanName,
                                kind: 1,
                                startTimeUnixNano: String(now - 1_000_000n),
                                endTimeUnixNano: String(now),
                            },
                        ],
                    },
                ],
            },
        ],
    };
    const res = await fetch(`${url}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`OTLP/HTTP export to ${url} answered ${res.status}: ${await res.text()}`);
}
