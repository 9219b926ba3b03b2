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

export function memoryLimiter(limitMiB: number) {
    return { check_interval: "1s", limit_mib: limitMiB, spike_limit_mib: Math.max(16, Math.floor(limitMiB / 5)) };
}

export function renderBackendCollectorConfig(input: BackendCollectorInput): string {
    const exporter = `${input.facts.otlpGrpcExporter}/jaeger`;
    return toYaml({
        extensions: { health_check: { endpoint: `0.0.0.0:${COLLECTOR_HEALTH_PORT}` } },
        receivers: otlpReceiver(),
        processors: {
            // memory_limiter first, so an overloaded Collector refuses data instead of being OOM-killed.
            memory_limiter: memoryLimiter(input.memoryLimitMiB),
            batch: { send_batch_size: 1024, timeout: "2s" },
        },
        exporters: {
            [exporter]: { endpoint: input.jaegerOtlpEndpoint, tls: { insecure: true } },
        },
        service: {
            extensions: ["health_check"],
            pipelines: {
                traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: [exporter] },
            },
        },
    });
}
