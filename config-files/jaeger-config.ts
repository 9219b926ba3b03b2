// Jaeger v2 (a Collector distribution): OTLP in, bounded in-memory store, UI and query API on 16686.
import { COLLECTOR_HEALTH_PORT, JAEGER_UI_PORT } from "../stack/endpoints";
import { CollectorConfig, otlpReceiver } from "./collector-config";

export function jaegerConfig(maxTraces: number): CollectorConfig {
    return {
        service: {
            extensions: ["jaeger_storage", "jaeger_query", "healthcheckv2"],
            pipelines: {
                traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] },
            },
        },
        extensions: {
            healthcheckv2: { use_v2: true, http: { endpoint: `0.0.0.0:${COLLECTOR_HEALTH_PORT}` } },
            jaeger_query: {
                storage: { traces: "memstore" },
                // Off: Jaeger v2 turns the query extension's self-tracing on by default (jaegertracing/jaeger
                // v2.19.0 cmd/jaeger/internal/extension/jaegerquery/factory.go sets EnableTracing = true;
                // key `enable_tracing` in internal/flags.go; server.go swaps in a no-op tracer only when false).
                // Its spans go wherever service::telemetry::traces sends them; off, no UI or verify read
                // can ever show up as a trace beside the cluster's.
                enable_tracing: false,
                http: { endpoint: `0.0.0.0:${JAEGER_UI_PORT}` },
            },
            // Bounded: the oldest traces are dropped past max_traces, so a long-lived cluster cannot fill memory.
            jaeger_storage: { backends: { memstore: { memory: { max_traces: maxTraces } } } },
        },
        receivers: otlpReceiver(),
        processors: { batch: {} },
        exporters: { jaeger_storage_exporter: { trace_storage: "memstore" } },
    };
}
