// Reads the stack's configuration and composes the components. Nothing else happens here:
// decisions are in settings/, versions/, config-files/ and engine/ (pure, tested), resources in components/.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseSettings } from "./settings/settings";
import { formerLogicalNames, LOGICAL_NAMES, stackNames } from "./stack/names";
import { artifactByRole, renderStack } from "./config-files/render-stack";
import { ObservabilityBackend } from "./components/observability-backend";
import { EngineCluster } from "./components/engine-cluster";
import { InClusterCollector } from "./components/in-cluster-collector";
import { IN_CLUSTER_OTLP_ENDPOINT } from "./config-files/in-cluster-collector";
import { collectorEnvironment } from "./config-files/team-exporters";

/** Whether an Output has a value: the SDK's Output carries it as a promise, not in its typings. */
const outputIsKnown = (value: pulumi.Output<unknown>): Promise<boolean> => (value as unknown as { isKnown: Promise<boolean> }).isKnown;

/**
 * Which config keys Pulumi holds as secrets (the SDK reads PULUMI_CONFIG_SECRET_KEYS for its own
 * getSecret; the function is exported but not in its typings). An exporter's header values must be.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const isConfigSecret: ((key: string) => boolean) | undefined = require("@pulumi/pulumi/runtime/config").isConfigSecret;
if (typeof isConfigSecret !== "function")
    throw new Error("@pulumi/pulumi no longer has runtime/config isConfigSecret: kubetracing cannot tell secret settings apart");

// Every value is validated before any resource is declared; a bad one stops here with its key named.
// As a RunError, `pulumi up` prints the problems alone, without a stack trace or the program's source.
const settings = (() => {
    try {
        return parseSettings(pulumi.runtime.allConfig(), {
            secretKeys: Object.keys(pulumi.runtime.allConfig()).filter((key) => isConfigSecret!(key)),
        });
    } catch (err) {
        if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
        throw err;
    }
})();
const names = stackNames(pulumi.getProject(), pulumi.getStack());
const rendered = renderStack(settings, names);
const content = (role: Parameters<typeof artifactByRole>[1]) => artifactByRole(rendered, role)!.content;
for (const note of rendered.notes) pulumi.log.warn(note);

// Logical names are the same in every stack; each component is aliased to the name stacks were made with before.
const former = formerLogicalNames(names);
const backend = new ObservabilityBackend(LOGICAL_NAMES.backend, {
    names,
    jaegerImage: rendered.jaegerImage,
    collectorImage: rendered.collectorImage,
    ...(settings.localJaeger ? { jaegerConfig: content("jaeger-config") } : {}),
    collectorConfig: content("collector-config"),
    // The header values, as secrets: only the Collector's environment gets them.
    collectorEnv: collectorEnvironment(settings.exporters),
    hostBindAddress: settings.hostBindAddress,
    hostPorts: settings.hostPorts,
    formerName: former.backend,
});

// One component type for both engines: switching engine replaces the cluster under the same URNs.
// After the network and the Collector's answer, so no early span is lost; not after Jaeger, which
// starts beside it (the Collector queues and retries for 5 minutes until Jaeger takes its spans).
// Destroy runs the other way: the cluster goes before the network its nodes are on.
const cluster = new EngineCluster(
    LOGICAL_NAMES.cluster,
    { clusterName: names.cluster, scripts: rendered.engineScripts, summary: content("summary"), formerName: former.cluster },
    { dependsOn: [backend.network, backend.collectorReady] },
);

const agent = rendered.inClusterCollector
    ? new InClusterCollector(LOGICAL_NAMES.agent, {
          kubeconfig: cluster.kubeconfig,
          clusterId: cluster.clusterId,
          cluster: cluster.lifecycle,
          objects: rendered.inClusterCollector.objects,
          formerName: former.agent,
      })
    : undefined;

/**
 * The stack outputs (names and types: stack/outputs-contract.ts). One a setting turns off is left out,
 * not exported as undefined (which the SDK warns about on every run); so is one whose resource this
 * update did not create (a `--target`ed up), which would otherwise be stored as the SDK's unknown
 * placeholder and handed to other stacks as if it were a value. A preview keeps every output, known or not.
 */
const outputs: Record<string, unknown> = {
    ...(backend.jaegerUiUrl ? { jaegerUrl: backend.jaegerUiUrl } : {}),
    otlpGrpcEndpoint: backend.otlpGrpcEndpoint,
    otlpHttpEndpoint: backend.otlpHttpEndpoint,
    collectorNetworkGrpcEndpoint: backend.collectorNetworkGrpcEndpoint,
    collectorNetworkHttpEndpoint: backend.collectorNetworkHttpEndpoint,
    dockerNetwork: backend.networkName,
    kubeconfig: cluster.kubeconfig,
    clusterName: cluster.clusterName,
    engine: settings.engine,
    kubernetesVersion: settings.release.kubernetes,
    nodeImage: settings.nodeImage,
    tracedComponents: settings.tracedComponents,
    samplingRatePerMillion: rendered.samplingRatePerMillion,
    bundledVersions: rendered.bundledVersions,
    /** Traced components this node image cannot make send spans, with why: read by `npm run verify`. */
    tracingGaps: rendered.tracingGaps,
    /** Names of the team backends the Collector also sends every span to (never their headers). */
    exporters: rendered.exporterNames,
    /** Present only with inClusterCollector: how a pod reaches the agent on its node. */
    ...(agent ? { inClusterOtlpEndpoint: agent.daemonSet.metadata.name.apply(() => IN_CLUSTER_OTLP_ENDPOINT) } : {}),
};

export = async (): Promise<Record<string, unknown>> => {
    if (pulumi.runtime.isDryRun()) return outputs;
    const known = await Promise.all(Object.values(outputs).map((value) => (pulumi.Output.isInstance(value) ? outputIsKnown(value) : true)));
    return Object.fromEntries(Object.entries(outputs).filter((_, i) => known[i]));
};
