// A consumer of the kubetracing stack: one Deployment that sends spans to the node-local agent,
// which adds Kubernetes metadata and forwards them to the stack's Jaeger.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { StackOutputName } from "../../stack/outputs-contract";

/**
 * Pinned by default: telemetrygen from the same Collector-contrib release the agent runs. A setting, for
 * clusters that pull from a mirror. Not exported: every export of a Pulumi program is a stack output.
 */
const DEFAULT_TELEMETRYGEN_IMAGE = "ghcr.io/open-telemetry/opentelemetry-collector-contrib/telemetrygen:v0.159.0";

interface InClusterOtlpEndpoint {
    hostIpEnv: string;
    grpc: string;
    http: string;
}

const config = new pulumi.Config();
const tracingStack = config.require("tracingStack");
const telemetrygenImage = config.get("telemetrygenImage") ?? DEFAULT_TELEMETRYGEN_IMAGE;
const tracing = new pulumi.StackReference(tracingStack);

/**
 * An output of the tracing stack, or one clear line when it has none. (requireOutput rejects an Output
 * with an error whose formatting took Node 20 up to a minute and 3.6 GB before it gave up.) The names
 * are typed by the contract: a renamed output fails to compile here.
 */
async function required<T>(name: StackOutputName, hint: string): Promise<pulumi.Output<pulumi.Unwrap<T>>> {
    const details = await tracing.getOutputDetails(name);
    if (details.secretValue !== undefined) return pulumi.secret(details.secretValue as T);
    if (details.value !== undefined) return pulumi.output(details.value as T);
    throw new pulumi.RunError(`the tracing stack ${tracingStack} has no output ${name}: ${hint}`);
}

export = async () => {
    const kubeconfig = await required<string>("kubeconfig", "its cluster does not exist (run `pulumi up` there first)");
    const endpoint = await required<InClusterOtlpEndpoint>(
        "inClusterOtlpEndpoint",
        "it runs no node agent (set kubetracing:inClusterCollector true there and run `pulumi up`)",
    );
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
                                image: telemetrygenImage,
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

    // What was deployed, as the cluster reports it, and where to look for its spans. jaegerUrl is left out
    // when the tracing stack runs no local Jaeger (localJaeger: false): its spans go to a team backend.
    const jaegerUrl = (await tracing.getOutputDetails("jaegerUrl" satisfies StackOutputName)).value as string | undefined;
    return { deployment: app.metadata.name, namespace: app.metadata.namespace, ...(jaegerUrl ? { jaegerUrl: pulumi.output(jaegerUrl) } : {}) };
};
