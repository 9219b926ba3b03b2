// Everything the stack hands to Docker, the engine and the nodes, as named files. The components
// and `npm run render` both call renderStack, so what a review reads is what `pulumi up` uses.
import { ClusterTracingPlan, nodeFiles, planClusterTracing } from "./cluster-tracing";
import { backendCollectorConfig } from "./collector-config";
import { otlpGrpcAddress, SERVICE_NAMES } from "../stack/endpoints";
import { jaegerConfig } from "./jaeger-config";
import { k3dConfig } from "./k3d-config";
import { KIND_CONFIG_FILES, KIND_MOUNTED_FILES, kindConfig } from "./kind-config";
import type { StackNames } from "../stack/names";
import type { StackSettings } from "../settings/settings";
import { collectorFacts, minimumEngineCli, PINNED_IMAGES } from "../versions/versions";
import { InClusterCollector, manifestOf, renderInClusterCollector } from "./in-cluster-collector";
import { yamlFile } from "./file-text";
import { engineScripts, EngineScripts } from "../engine/engine-scripts";

export type ArtifactRole =
    | "collector-config"
    | "jaeger-config"
    | "cluster-config"
    | "cluster-config-cgroup-v1"
    | "apiserver-tracing-config"
    | "kubelet-config"
    | "etcd-args"
    | "containerd-env"
    | "containerd-config-template"
    | "containerd-config-patch"
    | "containerd-systemd-dropin"
    | "in-cluster-collector-config"
    | "in-cluster-collector-manifest"
    | "summary"
    | "engine-create-script"
    | "engine-delete-script"
    | "engine-kubeconfig-script";

export interface Artifact {
    role: ArtifactRole;
    fileName: string;
    content: string;
    /** True for files the engine must find beside its config when the cluster is created. */
    neededByEngine: boolean;
}

export interface RenderedStack {
    artifacts: Artifact[];
    /** File name of the engine config (k3d-config.yaml or kind-config.yaml). */
    clusterConfigFile: string;
    jaegerImage: string;
    collectorImage: string;
    /** etcd and containerd as they will run (kindEtcdImage applied). */
    bundledVersions: { etcd: string; containerd: string };
    /** Effective rate per million of each traced component. */
    samplingRatePerMillion: Record<string, number>;
    /** Traced components this node image cannot make send spans, with why (containerd on k3s). */
    tracingGaps: ClusterTracingPlan["gaps"];
    /** Names of the team backends the Collector also sends to (never their headers). */
    exporterNames: string[];
    /** Oldest engine CLI that can create this cluster. */
    minimumEngineCli: string;
    /** What the cluster's Command runs (the create script carries the engine's files inline); also among the artifacts, for review. */
    engineScripts: EngineScripts;
    /** The node-local agent's Kubernetes objects, when inClusterCollector is on. */
    inClusterCollector?: InClusterCollector;
    notes: string[];
}

export function renderStack(settings: StackSettings, names: StackNames): RenderedStack {
    const plan = planClusterTracing(settings, names);
    const jaegerImage = settings.jaegerImage || PINNED_IMAGES.jaeger;
    const collectorImage = settings.collectorImage || PINNED_IMAGES.collector;
    const artifacts: Artifact[] = [];
    const add = (role: ArtifactRole, fileName: string, content: string, neededByEngine = false) => artifacts.push({ role, fileName, content, neededByEngine });

    add(
        "collector-config",
        "collector-config.yaml",
        yamlFile(
            backendCollectorConfig({
                facts: collectorFacts(collectorImage),
                ...(settings.localJaeger ? { jaegerOtlpEndpoint: otlpGrpcAddress(names.jaegerContainer) } : {}),
                memoryLimitMiB: settings.collectorMemoryLimitMiB,
                // Header values are not rendered: the config names the environment variables that hold them.
                exporters: settings.exporters,
            }),
            { source: "config-files/collector-config.ts", image: collectorImage },
        ),
    );
    if (settings.localJaeger) {
        add(
            "jaeger-config",
            "jaeger-config.yaml",
            yamlFile(jaegerConfig(settings.jaegerMaxTraces), { source: "config-files/jaeger-config.ts", image: jaegerImage }),
        );
    }

    const nodeImage = settings.nodeImage;
    const files = nodeFiles(plan, settings.engine, nodeImage);
    const kindFrom = { source: "config-files/kind-config.ts", image: nodeImage };
    const clusterConfigFile = settings.engine === "k3d" ? "k3d-config.yaml" : KIND_CONFIG_FILES.cgroupV2;
    const clusterConfig =
        settings.engine === "k3d"
            ? yamlFile(k3dConfig(settings, names, plan, files), { source: "config-files/k3d-config.ts", image: nodeImage })
            : yamlFile(kindConfig(settings, names, plan, files), kindFrom);
    add("cluster-config", clusterConfigFile, clusterConfig, true);
    // A kubelet that refuses a cgroup v1 host gets a second config, for such a host: the create script picks one by `docker info`.
    const cgroupV1ConfigFile = settings.engine === "kind" && plan.facts.kubeletRefusesCgroupV1 ? KIND_CONFIG_FILES.cgroupV1 : undefined;
    if (cgroupV1ConfigFile) add("cluster-config-cgroup-v1", cgroupV1ConfigFile, yamlFile(kindConfig(settings, names, plan, files, true), kindFrom), true);

    const kind = settings.engine === "kind";
    if (files.apiserverTracing) add("apiserver-tracing-config", KIND_MOUNTED_FILES.apiserverTracing, files.apiserverTracing, kind);
    if (files.kubeletConfig) add("kubelet-config", "kubelet-tracing.yaml", files.kubeletConfig);
    if (plan.etcd) add("etcd-args", "etcd-args.txt", plan.etcd.args.map((a) => `--${a.name}=${a.value}\n`).join(""));
    if (files.containerdEnv) add("containerd-env", "containerd-otel.env", files.containerdEnv);
    if (files.containerdDropIn) add("containerd-systemd-dropin", KIND_MOUNTED_FILES.containerdDropIn, files.containerdDropIn, true);
    if (files.containerdConfigPatch) add("containerd-config-patch", "containerd-config-patch.toml", files.containerdConfigPatch);
    if (files.k3sContainerdTemplate) add("containerd-config-template", "config.toml.tmpl", files.k3sContainerdTemplate);

    let inClusterCollector: InClusterCollector | undefined;
    if (settings.inClusterCollector) {
        inClusterCollector = renderInClusterCollector({
            image: settings.agentImage,
            facts: collectorFacts(settings.agentImage),
            backendOtlpEndpoint: otlpGrpcAddress(names.collectorContainer),
        });
        add("in-cluster-collector-config", "in-cluster-collector-config.yaml", inClusterCollector.config);
        add("in-cluster-collector-manifest", "in-cluster-collector.yaml", manifestOf(inClusterCollector.objects, settings.agentImage));
    }

    const bundledVersions = { etcd: plan.facts.etcd.version, containerd: plan.facts.containerd.version };
    const samplingRatePerMillion = Object.fromEntries(settings.tracedComponents.map((c) => [c, settings.samplingRatePerMillion[c]]));
    const cli = minimumEngineCli(settings.release);
    // What the cluster is made from, and nothing else: the cluster Command takes it as a trigger, so a
    // key here that the nodes never read (a backend image, the node agent) would replace the cluster.
    const summary = {
        engine: settings.engine,
        kubernetes: settings.release.kubernetes,
        nodeImage,
        engineRelease: settings.release.engineRelease,
        minimumEngineCli: `${settings.engine} ${cli}`,
        ...bundledVersions,
        workers: settings.workers,
        tracedComponents: settings.tracedComponents,
        samplingRatePerMillion,
        serviceNames: Object.fromEntries(settings.tracedComponents.map((c) => [c, SERVICE_NAMES[c]])),
        controlPlaneTraceTarget: settings.controlPlaneTraceTarget,
        notes: plan.notes,
    };
    add("summary", "summary.yaml", yamlFile(summary, { source: "config-files/render-stack.ts", image: nodeImage }));
    const scripts = engineScripts({
        engine: settings.engine,
        names,
        files: artifacts.filter((a) => a.neededByEngine),
        clusterConfigFile,
        ...(cgroupV1ConfigFile ? { cgroupV1ConfigFile } : {}),
        minimumCliVersion: cli,
        nodeImage,
    });
    add("engine-create-script", "create-cluster.sh", scripts.create);
    add("engine-delete-script", "delete-cluster.sh", scripts.delete);
    add("engine-kubeconfig-script", "cluster-kubeconfig.sh", scripts.kubeconfig);
    return {
        artifacts,
        clusterConfigFile,
        jaegerImage,
        collectorImage,
        bundledVersions,
        samplingRatePerMillion,
        tracingGaps: plan.gaps,
        exporterNames: settings.exporters.map((e) => e.name),
        // The settings' own warnings (an exposed address, an ignored key) are not in the summary: they change no file.
        minimumEngineCli: cli,
        engineScripts: scripts,
        inClusterCollector,
        notes: [...settings.notes, ...plan.notes],
    };
}

export function artifactByRole(rendered: RenderedStack, role: ArtifactRole): Artifact | undefined {
    return rendered.artifacts.find((a) => a.role === role);
}
