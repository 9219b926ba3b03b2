// The stack's outputs are a contract with every stack that reads them through StackReference.
// Written down once here; tests/outputs-contract.test.ts checks index.ts against it, and the
// consumer example takes its names from it, so a rename breaks a test, not a consumer.
export interface OutputSpec {
    type: "string" | "string[]" | "object";
    secret: boolean;
    /** Present only when a setting turns it on. */
    onlyWhen?: string;
    /** Absent when a setting turns it off. */
    absentWhen?: string;
    description: string;
}

export const STACK_OUTPUTS = {
    jaegerUrl: { type: "string", secret: false, absentWhen: "localJaeger: false", description: "Jaeger UI and query API on the host" },
    otlpGrpcEndpoint: { type: "string", secret: false, description: "Collector OTLP/gRPC from the host (host:port)" },
    otlpHttpEndpoint: { type: "string", secret: false, description: "Collector OTLP/HTTP from the host (URL)" },
    collectorNetworkGrpcEndpoint: { type: "string", secret: false, description: "Collector OTLP/gRPC inside the Docker network (host:port)" },
    collectorNetworkHttpEndpoint: { type: "string", secret: false, description: "Collector OTLP/HTTP inside the Docker network (URL)" },
    dockerNetwork: { type: "string", secret: false, description: "The stack's Docker network" },
    kubeconfig: { type: "string", secret: true, description: "kubeconfig of the cluster" },
    clusterName: { type: "string", secret: false, description: "Cluster name as k3d or kind knows it" },
    engine: { type: "string", secret: false, description: "k3d or kind" },
    kubernetesVersion: { type: "string", secret: false, description: "Exact Kubernetes version of the node image" },
    nodeImage: { type: "string", secret: false, description: "Pinned node image" },
    tracedComponents: { type: "string[]", secret: false, description: "Components sending spans" },
    samplingRatePerMillion: {
        type: "object",
        secret: false,
        description: "Effective rate per million of each traced component (what `npm run verify` explains a 0 with)",
    },
    bundledVersions: { type: "object", secret: false, description: "{etcd, containerd}: versions inside the node image, for diagnosing missing spans" },
    tracingGaps: {
        type: "object",
        secret: false,
        description:
            "{component: why}: traced components this node image cannot make send spans (containerd on k3s); `npm run verify` reports them without failing",
    },
    exporters: {
        type: "string[]",
        secret: false,
        description: "Names of the team backends the Collector also sends every span to (never their headers); [] when none",
    },
    inClusterOtlpEndpoint: {
        type: "object",
        secret: false,
        onlyWhen: "inClusterCollector",
        description: "{hostIpEnv, grpc, http}: the node-local agent, for pods that set HOST_IP from status.hostIP",
    },
} as const satisfies Record<string, OutputSpec>;

export type StackOutputName = keyof typeof STACK_OUTPUTS;
