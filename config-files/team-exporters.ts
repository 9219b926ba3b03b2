// The Collector side of the team backends (`kubetracing:exporters`, validated in
// settings/exporters.ts): one OTLP exporter each, its queue sized from the Collector's memory limit,
// and the environment that carries the header values.
import type { CollectorFacts } from "../versions/versions";
import type { ExporterSettings, SecretText } from "../settings/exporters";

/** All team queues together may hold this share of collectorMemoryLimitMiB. */
export const TEAM_QUEUES_MEMORY_SHARE = 0.25;
/**
 * What one queued span is reckoned to cost in the Collector's memory. Measured in the trace-path
 * tier (tests/trace-path/team-backend.test.ts): with both queues of two exporters full of spans of a
 * dozen attributes, as control-plane spans carry, the Collector's anonymous memory grew by 3.5 to
 * 5 KB a queued span: an upper bound, as it also holds the garbage collector's headroom and what
 * receiving the flood itself took.
 */
export const QUEUED_SPAN_BYTES = 4096;
/** The batch processor's batch size; a team exporter's batches are capped at it, so none outgrows a queue. */
export const TEAM_BATCH_MAX_SPANS = 1024;

/** Spans each team exporter may queue: its share of TEAM_QUEUES_MEMORY_SHARE of the memory limit. */
export function teamQueueSpans(memoryLimitMiB: number, exporterCount: number): number {
    return Math.floor((memoryLimitMiB * 1024 * 1024 * TEAM_QUEUES_MEMORY_SHARE) / Math.max(1, exporterCount) / QUEUED_SPAN_BYTES);
}

/**
 * One OTLP exporter per team backend. Each has its own bounded in-memory queue that never blocks
 * when full (the pipeline hands a batch to every exporter in turn, so a blocking one would hold up
 * the local Jaeger's), and retries for a bounded time before dropping a batch.
 */
export function teamExporters(facts: CollectorFacts, exporters: ExporterSettings[], memoryLimitMiB: number): { id: string; config: object }[] {
    const queueSpans = teamQueueSpans(memoryLimitMiB, exporters.length);
    return exporters.map((e) => ({
        id: `${e.protocol === "grpc" ? facts.otlpGrpcExporter : facts.otlpHttpExporter}/${e.name}`,
        config: {
            endpoint: e.endpoint,
            // gRPC needs TLS switched off for a plaintext endpoint; OTLP/HTTP goes by the URL's scheme.
            ...(e.protocol === "grpc" && e.insecure ? { tls: { insecure: true } } : {}),
            ...(e.headers.length ? { headers: Object.fromEntries(e.headers.map((h) => [h.name, `\${env:${h.envVar}}`])) } : {}),
            timeout: "10s",
            sending_queue: { enabled: true, sizer: "items", queue_size: queueSpans, num_consumers: 4, block_on_overflow: false },
            retry_on_failure: { enabled: true, initial_interval: "1s", max_interval: "30s", max_elapsed_time: "300s" },
        },
    }));
}

/** The Collector container's environment: one variable per header. The values stay SecretTexts. */
export function collectorEnvironment(exporters: ExporterSettings[]): { name: string; value: SecretText }[] {
    return exporters.flatMap((e) => e.headers.map((h) => ({ name: h.envVar, value: h.value })));
}
