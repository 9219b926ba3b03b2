// Where each component sends spans, written the way that component parses it. Getting this
// format wrong is the most common silent failure (tracing-matrix.md, "Endpoint formats differ").
import type { ControlPlaneTraceTarget, TracedComponent } from "../settings/settings";

export const OTLP_GRPC_PORT = 4317;
export const OTLP_HTTP_PORT = 4318;
export const COLLECTOR_HEALTH_PORT = 13133;
export const JAEGER_UI_PORT = 16686;

/** service.name each component reports; the apiserver's is fixed upstream as "apiserver". */
export const SERVICE_NAMES: Record<TracedComponent, string> = {
    etcd: "etcd",
    apiserver: "apiserver",
    kubelet: "kubelet",
    containerd: "containerd",
};

/**
 * The host the control plane's processes send to: the backend Collector by its container name on
 * the stack's Docker network (Docker DNS, never host.k3d.internal), or the node-local agent, a
 * hostNetwork DaemonSet listening on every node's loopback.
 */
export function traceTargetHost(target: ControlPlaneTraceTarget, collectorContainer: string): string {
    return target === "backend" ? collectorContainer : "127.0.0.1";
}

/** OTLP/gRPC as host:port (no scheme: gRPC clients here reject one). */
export function otlpGrpcAddress(host: string): string {
    return `${host}:${OTLP_GRPC_PORT}`;
}

/** OTLP/HTTP as a URL with its scheme. */
export function otlpHttpUrl(host: string): string {
    return `http://${host}:${OTLP_HTTP_PORT}`;
}

/**
 * apiserver, kubelet and etcd speak OTLP/gRPC and want a bare host:port (a scheme is rejected or
 * makes etcd fail with "invalid target address"). containerd defaults to OTLP/HTTP and needs a URL
 * with a scheme: a bare host:port makes containerd 1.7 fall back to localhost:4317.
 */
export function componentEndpoint(component: TracedComponent, host: string): string {
    return component === "containerd" ? otlpHttpUrl(host) : otlpGrpcAddress(host);
}

/** containerd's sampler takes a ratio, the others a rate per million. */
export function samplingRatio(ratePerMillion: number): number {
    return ratePerMillion / 1_000_000;
}
