// Jaeger v2 (a Collector distribution): OTLP in, bounded in-memory store, UI and query API on 16686.
import { COLLECTOR_HEALTH_PORT, JAEGER_UI_PORT } from "./endpoints";
import { otlpReceiver } from "./collector-config";
import { toYaml } from "./yaml-text";

export function renderJaegerConfig(maxTraces: number): string {
    return toYaml({
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
                http: { endpoint: `0.0.0.0:${JAEGER_UI_PORT}` },
            },
            // Bounded: the oldest traces are dropped past max_traces, so a long-lived cluster cannot fill memory.
            jaeger_storage: { backends: { memstore: { memory: { max_traces: maxTraces } } } },
        },
        receivers: otlpReceiver(),
        processors: { batch: {} },
        exporters: { jaeger_storage_exporter: { trace_storage: "memstore" } },
    });
}
