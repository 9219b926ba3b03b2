// The backend Collector: OTLP in (gRPC and HTTP), memory-limited batches, OTLP/gRPC out to Jaeger
// and to each team backend (config-files/team-exporters.ts).
import { COLLECTOR_HEALTH_PORT, OTLP_GRPC_PORT, OTLP_HTTP_PORT } from "../stack/endpoints";
import type { ExporterSettings } from "../settings/exporters";
import { TEAM_BATCH_MAX_SPANS, teamExporters } from "./team-exporters";
import type { CollectorFacts } from "../versions/versions";

/** A Collector's (or Jaeger v2's) config file, as an object. */
export interface CollectorConfig {
    extensions: Record<string, unknown>;
    receivers: Record<string, unknown>;
    processors: Record<string, unknown>;
    exporters: Record<string, unknown>;
    service: {
        extensions: string[];
        pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
    };
}

export interface BackendCollectorInput {
    facts: CollectorFacts;
    /** host:port of Jaeger's OTLP gRPC receiver inside the Docker network; absent without a local Jaeger. */
    jaegerOtlpEndpoint?: string;
    memoryLimitMiB: number;
    /** Team backends (none by default). */
    exporters?: ExporterSettings[];
}

/** Receivers bind localhost by default since 0.104: inside a container they must bind 0.0.0.0. */
export function otlpReceiver() {
    return {
        otlp: {
            protocols: {
                grpc: { endpoint: `0.0.0.0:${OTLP_GRPC_PORT}` },
                http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` },
            },
        },
    };
}

/** The health_check extension on 0.0.0.0, for the readiness checks from outside the container or pod. */
export function healthCheckExtension() {
    return { health_check: { endpoint: `0.0.0.0:${COLLECTOR_HEALTH_PORT}` } };
}

/** An OTLP/gRPC exporter under the name this Collector version uses, plaintext inside the network. */
export function otlpGrpcExporter(facts: CollectorFacts, suffix: string, endpoint: string): { id: string; config: object } {
    return { id: `${facts.otlpGrpcExporter}/${suffix}`, config: { endpoint, tls: { insecure: true } } };
}

export function memoryLimiter(limitMiB: number) {
    return { check_interval: "1s", limit_mib: limitMiB, spike_limit_mib: Math.max(16, Math.floor(limitMiB / 5)) };
}

export function backendCollectorConfig(input: BackendCollectorInput): CollectorConfig {
    const team = teamExporters(input.facts, input.exporters ?? [], input.memoryLimitMiB);
    const exporters = [...(input.jaegerOtlpEndpoint ? [otlpGrpcExporter(input.facts, "jaeger", input.jaegerOtlpEndpoint)] : []), ...team];
    return {
        extensions: healthCheckExtension(),
        receivers: otlpReceiver(),
        processors: {
            // memory_limiter first, so an overloaded Collector refuses data instead of being OOM-killed.
            memory_limiter: memoryLimiter(input.memoryLimitMiB),
            // With team exporters, no batch may outgrow one's queue (a larger one would be refused whole).
            batch: { send_batch_size: 1024, ...(team.length ? { send_batch_max_size: TEAM_BATCH_MAX_SPANS } : {}), timeout: "2s" },
        },
        exporters: Object.fromEntries(exporters.map((e) => [e.id, e.config])),
        service: {
            extensions: ["health_check"],
            pipelines: {
                traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: exporters.map((e) => e.id) },
            },
        },
    };
}
