// What the cluster's four components get, decided once per stack and shared by both engines.
import { componentEndpoint, traceTargetHost } from "../stack/endpoints";
import { apiserverTracingConfiguration, ApiserverTracingConfiguration } from "./apiserver-tracing";
import { kubeletTracingConfiguration, KubeletTracingConfiguration } from "./kubelet-config";
import { etcdTracingArgs, EtcdTracingArgs } from "./etcd-args";
import { containerdTracing, ContainerdTracing, envFile, k3sContainerdTemplate, systemdEnvironmentDropIn } from "./containerd";
import { tomlFile, yamlFile } from "./file-text";
import { ConfigError, isTraced, StackSettings, TracedComponent } from "../settings/settings";
import type { StackNames } from "../stack/names";
import { tracingFacts, TracingFacts } from "../versions/versions";

/** Where rendered files land inside every node. */
export const NODE_TRACING_DIR = "/etc/kubetracing";
export const NODE_APISERVER_TRACING_FILE = `${NODE_TRACING_DIR}/apiserver-tracing.yaml`;
export const NODE_KUBELET_CONFIG_FILE = `${NODE_TRACING_DIR}/kubelet-tracing.yaml`;

export interface ClusterTracingPlan {
    facts: TracingFacts;
    /** Each present only when that component is traced. */
    apiserverTracing?: ApiserverTracingConfiguration;
    kubeletConfig?: KubeletTracingConfiguration;
    etcd?: EtcdTracingArgs;
    containerd?: ContainerdTracing;
    /** Traced components that this node image cannot make send spans, with why (read by `npm run verify`). */
    gaps: Partial<Record<TracedComponent, string>>;
    notes: string[];
}

export function planClusterTracing(settings: StackSettings, names: StackNames): ClusterTracingPlan {
    const facts = tracingFacts(settings.release, settings.kindEtcdImage);
    const host = traceTargetHost(settings.controlPlaneTraceTarget, names.collectorContainer);
    const rate = settings.samplingRatePerMillion;
    const plan: ClusterTracingPlan = { facts, gaps: {}, notes: [] };
    if (isTraced(settings, "apiserver")) {
        plan.apiserverTracing = apiserverTracingConfiguration(facts, componentEndpoint("apiserver", host), rate.apiserver);
    }
    if (isTraced(settings, "kubelet")) {
        plan.kubeletConfig = kubeletTracingConfiguration(facts, componentEndpoint("kubelet", host), rate.kubelet);
    }
    if (isTraced(settings, "etcd")) {
        plan.etcd = etcdTracingArgs(facts, componentEndpoint("etcd", host), rate.etcd, `${names.cluster}-etcd`);
        plan.notes.push(...plan.etcd.notes);
        if (!facts.etcd.samplingFlagSupported && (!isTraced(settings, "apiserver") || rate.apiserver === 0)) {
            plan.notes.push("etcd: with the apiserver untraced (or at rate 0) this etcd will send no spans.");
        }
    }
    if (isTraced(settings, "containerd")) {
        plan.containerd = containerdTracing(facts, componentEndpoint("containerd", host), rate.containerd);
        if (!facts.containerd.otlpProcessor) {
            const why = `${settings.release.engineRelease} (containerd ${facts.containerd.version}): ${facts.containerd.withoutOtlpProcessor}, so containerd sends no spans whatever its OTEL_* settings say`;
            if (settings.tracedComponents.length === 1) {
                throw new ConfigError([
                    `kubetracing:tracedComponents = ["containerd"] on ${settings.engine} ${why}; this stack would trace nothing. For containerd spans set kubetracing:engine kind, or trace etcd, apiserver or kubelet here`,
                ]);
            }
            plan.gaps.containerd = `${why}; for containerd spans use kubetracing:engine kind`;
            plan.notes.push(`containerd: not traced on k3s ${plan.gaps.containerd}.`);
        }
    }
    for (const component of settings.tracedComponents) {
        if (rate[component] === 0) plan.notes.push(`${component}: sampling rate 0, so it sends no spans of its own.`);
    }
    if (settings.controlPlaneTraceTarget === "node-agent") {
        plan.notes.push("Control-plane spans go to the node-local agent: those sent before its DaemonSet is running are lost.");
    }
    return plan;
}

/** The files the nodes get, as text with their header: made once, for the engine config and for review. */
export interface NodeFiles {
    apiserverTracing?: string;
    kubeletConfig?: string;
    /** containerd's OTEL_* settings as KEY=VALUE lines (for review; k3d passes them as node env). */
    containerdEnv?: string;
    /** kind: the systemd drop-in that hands containerd its OTEL_* env. */
    containerdDropIn?: string;
    /** k3s: the containerd config template, k3s's base plus the tracing tables (containerd that reads TOML only). */
    k3sContainerdTemplate?: string;
    /** kind: the tracing tables kind patches into containerd's config (containerd that reads TOML only). */
    containerdConfigPatch?: string;
}

export function nodeFiles(plan: ClusterTracingPlan, engine: StackSettings["engine"], nodeImage: string): NodeFiles {
    const files: NodeFiles = {};
    if (plan.apiserverTracing) files.apiserverTracing = yamlFile(plan.apiserverTracing, { source: "config-files/apiserver-tracing.ts", image: nodeImage });
    if (plan.kubeletConfig) files.kubeletConfig = yamlFile(plan.kubeletConfig, { source: "config-files/kubelet-config.ts", image: nodeImage });
    if (plan.containerd) {
        const from = { source: "config-files/containerd.ts", image: nodeImage };
        files.containerdEnv = envFile(plan.containerd.env, from);
        if (engine === "kind") files.containerdDropIn = systemdEnvironmentDropIn(plan.containerd.env, from);
        if (plan.containerd.tables) {
            if (engine === "kind") files.containerdConfigPatch = tomlFile(plan.containerd.tables, from);
            else files.k3sContainerdTemplate = k3sContainerdTemplate(plan.containerd.tables, from);
        }
    }
    return files;
}
