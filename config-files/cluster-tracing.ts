// What the cluster's four components get, decided once per stack and shared by both engines.
import { componentEndpoint, traceTargetHost } from "../stack/endpoints";
import { renderApiserverTracingConfig } from "./apiserver-tracing";
import { kubeletTracingConfiguration, KubeletTracingConfiguration } from "./kubelet-config";
import { etcdTracingArgs, EtcdTracingArgs } from "./etcd-args";
import { containerdTracing, ContainerdTracing } from "./containerd";
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
    apiserverTracingConfig?: string;
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
        plan.apiserverTracingConfig = renderApiserverTracingConfig(facts, componentEndpoint("apiserver", host), rate.apiserver);
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
