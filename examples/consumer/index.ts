// A consumer of the kubetracing stack: one Deployment that sends spans to the node-local agent,
// which adds Kubernetes metadata and forwards them to the stack's Jaeger.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { StackOutputName } from "../../stack/outputs-contract";

/**
 * Pinned: telemetrygen from the same Collector-contrib release the agent runs. Not exported: every
 * export of a Pulumi program is a stack output, and a constant there says nothing about the stack.
 */
const TELEMETRYGEN_IMAGE = "ghcr.io/open-telemetry/opentelemetry-collector-contrib/telemetrygen:v0.159.0";

interface InClusterOtlpEndpoint {
    hostIpEnv: string;
    grpc: string;
    http: string;
}

const config = new pulumi.Config();
const tracing = new pulumi.StackReference(config.require("tracingStack"));
// Names typed by the contract: a renamed output fails to compile here.
const output = (name: StackOutputName) => tracing.requireOutput(name);

const kubeconfig = output("kubeconfig") as pulumi.Output<string>;
const endpoint = output("inClusterOtlpEndpoint") as pulumi.Output<InClusterOtlpEndpoint>;
const provider = new k8s.Provider("traced-cluster", { kubeconfig });

const labels = { app: "telemetrygen" };
const app = new k8s.apps.v1.Deployment(
    "telemetrygen",
    {
        metadata: { labels },
        spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
                metadata: { labels },
                spec: {
                    containers: [
                        {
                            name: "telemetrygen",
                            image: TELEMETRYGEN_IMAGE,
                            // Kubernetes expands $(HOST_IP) in args from the env below.
                            args: [
                                "traces",
                                "--otlp-insecure",
                                "--otlp-endpoint",
                                endpoint.grpc,
                                "--rate",
                                "1",
                                "--duration",
                                "87600h",
                                "--service",
                                "kubetracing-consumer",
                            ],
                            env: [
                                { name: endpoint.hostIpEnv, valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
                                // For SDK-instrumented apps the same endpoint, as the standard variable:
                                { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: endpoint.http },
                            ],
                            resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
                        },
                    ],
                },
            },
        },
    },
    { provider },
);

// What was deployed, as the cluster reports it, and where to look for its spans.
export const deployment = app.metadata.name;
export const namespace = app.metadata.namespace;
// Absent when the tracing stack runs no local Jaeger (localJaeger: false): its spans go to a team backend.
export const jaegerUrl = tracing.getOutput("jaegerUrl" satisfies StackOutputName);
