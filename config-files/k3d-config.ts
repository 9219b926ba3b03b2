// k3d.io/v1alpha5 Simple config: one server with embedded etcd, `workers` agents, on the stack's
// network, every tracing file embedded (k3d `files:`, k3d ≥ 5.7), so the config file is self-contained.
import { ClusterTracingPlan, NodeFiles, NODE_APISERVER_TRACING_FILE, NODE_KUBELET_CONFIG_FILE } from "./cluster-tracing";
import type { StackNames } from "../stack/names";
import type { StackSettings } from "../settings/settings";

const SERVERS = ["server:*"];

/** k3s reads this template instead of generating containerd's config (containerd 1.7, config version 2). */
export const K3S_CONTAINERD_TEMPLATE = "/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl";

export interface K3dFile {
    description: string;
    source: string;
    destination: string;
    nodeFilters: string[];
}

/** @param files the node files' text, which k3d `files:` carries inline. */
export function k3dConfig(settings: StackSettings, names: StackNames, plan: ClusterTracingPlan, files: NodeFiles): Record<string, unknown> {
    const allNodes = settings.workers > 0 ? ["server:*", "agent:*"] : SERVERS;
    const nodeFiles: K3dFile[] = [];
    const extraArgs: { arg: string; nodeFilters: string[] }[] = [];
    const env: { envVar: string; nodeFilters: string[] }[] = [];

    if (plan.etcd) {
        // Without --cluster-init k3s uses sqlite and there is no etcd to trace.
        extraArgs.push({ arg: "--cluster-init", nodeFilters: SERVERS });
        for (const { name, value } of plan.etcd.args) extraArgs.push({ arg: `--etcd-arg=${name}=${value}`, nodeFilters: SERVERS });
    }
    if (files.apiserverTracing) {
        nodeFiles.push({
            description: "kube-apiserver TracingConfiguration",
            source: files.apiserverTracing,
            destination: NODE_APISERVER_TRACING_FILE,
            nodeFilters: SERVERS,
        });
        extraArgs.push({ arg: `--kube-apiserver-arg=tracing-config-file=${NODE_APISERVER_TRACING_FILE}`, nodeFilters: SERVERS });
    }
    if (files.kubeletConfig) {
        nodeFiles.push({
            description: "kubelet tracing (KubeletConfiguration)",
            source: files.kubeletConfig,
            destination: NODE_KUBELET_CONFIG_FILE,
            nodeFilters: allNodes,
        });
        extraArgs.push({ arg: `--kubelet-arg=config=${NODE_KUBELET_CONFIG_FILE}`, nodeFilters: allNodes });
    }
    if (plan.containerd) {
        // k3s strips the CONTAINERD_ prefix and hands these to containerd only, not to the rest of k3s.
        for (const [key, value] of Object.entries(plan.containerd.env)) env.push({ envVar: `CONTAINERD_${key}=${value}`, nodeFilters: allNodes });
        if (files.k3sContainerdTemplate) {
            nodeFiles.push({
                description: "containerd tracing (k3s template on top of k3s's own base)",
                source: files.k3sContainerdTemplate,
                destination: K3S_CONTAINERD_TEMPLATE,
                nodeFilters: allNodes,
            });
        }
    }

    const config: Record<string, unknown> = {
        apiVersion: "k3d.io/v1alpha5",
        kind: "Simple",
        metadata: { name: names.cluster },
        servers: 1,
        agents: settings.workers,
        image: settings.nodeImage,
        // Joins the stack's network (k3d then does not own it): nodes reach the Collector by container name.
        network: names.network,
        kubeAPI: { hostIP: settings.hostBindAddress },
        ...(nodeFiles.length ? { files: nodeFiles } : {}),
        ...(env.length ? { env } : {}),
        options: {
            k3d: { wait: true, timeout: "300s" },
            k3s: { extraArgs },
            // The kubeconfig is a stack output (secret); the user's ~/.kube/config is left alone.
            kubeconfig: { updateDefaultKubeconfig: false, switchCurrentContext: false },
        },
    };
    return config;
}
