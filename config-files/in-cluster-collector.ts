// The optional node-local agent: an OpenTelemetry Collector (contrib) DaemonSet that gives every node
// an OTLP endpoint on the node's addresses, adds Kubernetes metadata and forwards to the backend.
// Plain Kubernetes objects, so they can be validated offline and handed to typed Pulumi resources.
// Typed by @pulumi/kubernetes's own input types, imported as types only: nothing of the SDK loads here.
import type { apps, core, rbac } from "@pulumi/kubernetes/types/input";
import { CollectorConfig, healthCheckExtension, memoryLimiter, otlpGrpcExporter, otlpReceiver } from "./collector-config";
import { COLLECTOR_HEALTH_PORT, OTLP_GRPC_PORT, OTLP_HTTP_PORT, otlpGrpcAddress, otlpHttpUrl } from "../stack/endpoints";
import type { CollectorFacts } from "../versions/versions";
import { generatedHeader, toYaml, yamlFile } from "./file-text";
import { createHash } from "crypto";

export const AGENT_NAMESPACE = "kubetracing";
export const AGENT_NAME = "kubetracing-node-agent";
/** The env var the documented pod snippet sets from the downward API (status.hostIP). */
export const HOST_IP_ENV = "HOST_IP";

const AGENT_MEMORY_LIMIT_MIB = 256;
const labels = { "app.kubernetes.io/name": AGENT_NAME, "app.kubernetes.io/part-of": "kubetracing" };

/**
 * On the pod template: the SHA-256 of the agent's config. The Collector reads its config once, at
 * start, and a changed ConfigMap leaves the DaemonSet's spec as it was (@pulumi/kubernetes replaces
 * the ConfigMap under the same name: pulumi-kubernetes v4.32.0 provider/pkg/provider/diff.go, a
 * ConfigMap is immutable unless enableConfigMapMutable), so without this the pods keep the old
 * config. A changed template is a rollout.
 */
export const CONFIG_CHECKSUM_ANNOTATION = "kubetracing/config-sha256";

export interface InClusterCollectorInput {
    image: string;
    facts: CollectorFacts;
    /** host:port of the backend Collector's OTLP gRPC receiver inside the Docker network. */
    backendOtlpEndpoint: string;
}

export interface InClusterCollector {
    /** The agent Collector's own config (also inside configMap). */
    config: string;
    objects: InClusterObjects;
}

export interface InClusterObjects {
    namespace: core.v1.Namespace;
    serviceAccount: core.v1.ServiceAccount;
    clusterRole: rbac.v1.ClusterRole;
    clusterRoleBinding: rbac.v1.ClusterRoleBinding;
    configMap: core.v1.ConfigMap;
    daemonSet: apps.v1.DaemonSet;
}

export function agentCollectorConfig(input: InClusterCollectorInput): CollectorConfig {
    const exporter = otlpGrpcExporter(input.facts, "backend", input.backendOtlpEndpoint);
    const k8s = input.facts.k8sAttributesProcessor;
    return {
        extensions: healthCheckExtension(),
        receivers: otlpReceiver(),
        processors: {
            memory_limiter: memoryLimiter(Math.floor(AGENT_MEMORY_LIMIT_MIB * 0.8)),
            [k8s]: {
                auth_type: "serviceAccount",
                // Only pods on this agent's node: every node has its own agent.
                filter: { node_from_env_var: "K8S_NODE_NAME" },
                extract: { metadata: ["k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.deployment.name", "k8s.node.name"] },
                pod_association: [
                    { sources: [{ from: "resource_attribute", name: "k8s.pod.ip" }] },
                    { sources: [{ from: "resource_attribute", name: "k8s.pod.uid" }] },
                    { sources: [{ from: "connection" }] },
                ],
            },
            // Control-plane spans carry no pod: name the node they came from.
            resource: { attributes: [{ key: "k8s.node.name", value: "${env:K8S_NODE_NAME}", action: "insert" }] },
            batch: {},
        },
        exporters: { [exporter.id]: exporter.config },
        service: {
            extensions: ["health_check"],
            pipelines: { traces: { receivers: ["otlp"], processors: ["memory_limiter", k8s, "resource", "batch"], exporters: [exporter.id] } },
        },
    };
}

const AGENT_SOURCE = "config-files/in-cluster-collector.ts";

export function renderInClusterCollector(input: InClusterCollectorInput): InClusterCollector {
    const meta = (name: string, namespaced = true) => ({ name, ...(namespaced ? { namespace: AGENT_NAMESPACE } : {}), labels });
    const probe = { httpGet: { path: "/", port: COLLECTOR_HEALTH_PORT }, periodSeconds: 5 };
    // The text the ConfigMap carries; its checksum rolls the DaemonSet.
    const config = yamlFile(agentCollectorConfig(input), { source: AGENT_SOURCE, image: input.image });
    return {
        config,
        objects: {
            namespace: { apiVersion: "v1", kind: "Namespace", metadata: meta(AGENT_NAMESPACE, false) },
            serviceAccount: { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(AGENT_NAME) },
            // What the k8s_attributes processor reads to name pods, their namespace, node and deployment:
            // the cluster-scoped example ClusterRole of open-telemetry/opentelemetry-collector-contrib
            // processor/k8sattributesprocessor/README.md (v0.159.0), minus batch jobs and extensions/replicasets.
            clusterRole: {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRole",
                metadata: meta(AGENT_NAME, false),
                rules: [
                    { apiGroups: [""], resources: ["pods", "namespaces", "nodes"], verbs: ["get", "list", "watch"] },
                    { apiGroups: ["apps"], resources: ["replicasets", "deployments", "statefulsets", "daemonsets"], verbs: ["get", "list", "watch"] },
                ],
            },
            clusterRoleBinding: {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRoleBinding",
                metadata: meta(AGENT_NAME, false),
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: AGENT_NAME },
                subjects: [{ kind: "ServiceAccount", name: AGENT_NAME, namespace: AGENT_NAMESPACE }],
            },
            configMap: { apiVersion: "v1", kind: "ConfigMap", metadata: meta(AGENT_NAME), data: { "config.yaml": config } },
            daemonSet: {
                apiVersion: "apps/v1",
                kind: "DaemonSet",
                metadata: meta(AGENT_NAME),
                spec: {
                    selector: { matchLabels: labels },
                    updateStrategy: { type: "RollingUpdate" },
                    template: {
                        metadata: { labels, annotations: { [CONFIG_CHECKSUM_ANNOTATION]: createHash("sha256").update(config).digest("hex") } },
                        spec: {
                            serviceAccountName: AGENT_NAME,
                            // Host network: the control plane on each node reaches it on 127.0.0.1, pods on the node's IP.
                            hostNetwork: true,
                            // Node resolver (Docker's DNS): the backend Collector is a container name, not a Service.
                            dnsPolicy: "Default",
                            // Every node, control plane included.
                            tolerations: [{ operator: "Exists" }],
                            priorityClassName: "system-node-critical",
                            containers: [
                                {
                                    name: "collector",
                                    image: input.image,
                                    args: ["--config=/conf/config.yaml"],
                                    env: [{ name: "K8S_NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
                                    ports: [
                                        { name: "otlp-grpc", containerPort: OTLP_GRPC_PORT, hostPort: OTLP_GRPC_PORT, protocol: "TCP" },
                                        { name: "otlp-http", containerPort: OTLP_HTTP_PORT, hostPort: OTLP_HTTP_PORT, protocol: "TCP" },
                                    ],
                                    resources: {
                                        requests: { cpu: "50m", memory: "64Mi" },
                                        limits: { cpu: "500m", memory: `${AGENT_MEMORY_LIMIT_MIB}Mi` },
                                    },
                                    readinessProbe: probe,
                                    livenessProbe: { ...probe, initialDelaySeconds: 10 },
                                    volumeMounts: [{ name: "config", mountPath: "/conf", readOnly: true }],
                                },
                            ],
                            volumes: [{ name: "config", configMap: { name: AGENT_NAME } }],
                        },
                    },
                },
            },
        },
    };
}

/** How a pod reaches the agent on its own node: HOST_IP from the downward API, then $(HOST_IP) in the endpoint. */
export const IN_CLUSTER_OTLP_ENDPOINT = {
    hostIpEnv: HOST_IP_ENV,
    grpc: otlpGrpcAddress(`$(${HOST_IP_ENV})`),
    http: otlpHttpUrl(`$(${HOST_IP_ENV})`),
} as const;

/** The agent's objects as one multi-document manifest, for review (the components apply the objects themselves). */
export function manifestOf(objects: InClusterObjects, image: string): string {
    return (
        generatedHeader({ source: AGENT_SOURCE, image }) +
        Object.values(objects)
            .map((o) => toYaml(o))
            .join("---\n")
    );
}
