// The backend Collector: OTLP in (gRPC and HTTP), memory-limited batches, OTLP/gRPC out to Jaeger.
import { COLLECTOR_HEALTH_PORT, OTLP_GRPC_PORT, OTLP_HTTP_PORT } from "./endpoints";
import type { CollectorFacts } from "./versions";
import { toYaml } from "./yaml-text";

export interface BackendCollectorInput {
    facts: CollectorFacts;
    /** host:port of Jaeger's OTLP gRPC receiver inside the Docker network. */
    jaegerOtlpEndpoint: string;
    memoryLimitMiB: number;
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

export function renderBackendCollectorConfig(input: BackendCollectorInput): string {
    const exporter = otlpGrpcExporter(input.facts, "jaeger", input.jaegerOtlpEndpoint);
    return toYaml({
        extensions: healthCheckExtension(),
        receivers: otlpReceiver(),
        processors: {
            // memory_limiter first, so an overloaded Collector refuses data instead of being OOM-killed.
            memory_limiter: memoryLimiter(input.memoryLimitMiB),
            batch: { send_batch_size: 1024, timeout: "2s" },
        },
        exporters: { [exporter.id]: exporter.config },
        service: {
            extensions: ["health_check"],
            pipelines: {
                traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: [exporter.id] },
            },
        },
    });
}
