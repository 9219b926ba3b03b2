// kind.x-k8s.io/v1alpha4 Cluster: pinned node images, kubeadm patches in the exact kubeadm API kind
// generates for this release (a patch with another apiVersion is silently skipped by kind), and the
// tracing files bind-mounted from the directory `kind create` runs in.
import { ClusterTracingPlan, NodeFiles, NODE_APISERVER_TRACING_FILE, NODE_TRACING_DIR } from "./cluster-tracing";
import type { EtcdArg } from "./etcd-args";
import type { StackNames } from "../stack/names";
import type { StackSettings } from "../settings/settings";
import { toYaml } from "./file-text";

/** Files the kind config mounts, relative to the directory kind runs in (kind resolves them against its cwd). */
export const KIND_MOUNTED_FILES = {
    apiserverTracing: "apiserver-tracing.yaml",
    containerdDropIn: "containerd-otel.conf",
} as const;

export const NODE_CONTAINERD_DROP_IN = "/etc/systemd/system/containerd.service.d/10-kubetracing.conf";

/** v1beta3 takes extraArgs as a map; v1beta4 as a list of {name, value}. */
function extraArgs(apiVersion: string, args: EtcdArg[]): unknown {
    return apiVersion.endsWith("v1beta4") ? args : Object.fromEntries(args.map((a) => [a.name, a.value]));
}

/** registry.k8s.io/etcd:3.5.12-0 → kubeadm's imageRepository registry.k8s.io and imageTag 3.5.12-0. */
function etcdImageFields(image: string): { imageRepository: string; imageTag: string } {
    const at = image.lastIndexOf("/etcd:");
    return { imageRepository: image.slice(0, at), imageTag: image.slice(at + "/etcd:".length) };
}

/** The kind config the create script uses on a Docker host of each cgroup version. */
export const KIND_CONFIG_FILES = { cgroupV2: "kind-config.yaml", cgroupV1: "kind-config-cgroup-v1.yaml" } as const;

/**
 * @param files the node files' text: kind takes containerd's patch inline.
 * @param hostCgroupV1 the config for a Docker host on cgroup v1: a kubelet that refuses such a host
 *   by default (1.35+) is told failCgroupV1: false. The create script picks the file by `docker info`.
 */
export function kindConfig(
    settings: StackSettings,
    names: StackNames,
    plan: ClusterTracingPlan,
    files: NodeFiles,
    hostCgroupV1 = false,
): Record<string, unknown> {
    const kubeadmApi = plan.facts.kubeadmApiVersion;
    const controlPlaneMounts: object[] = [];
    const everyNodeMounts: object[] = [];
    const clusterConfiguration: Record<string, unknown> = { kind: "ClusterConfiguration", apiVersion: kubeadmApi };

    if (plan.apiserverTracing) {
        controlPlaneMounts.push({ hostPath: `./${KIND_MOUNTED_FILES.apiserverTracing}`, containerPath: NODE_APISERVER_TRACING_FILE, readOnly: true });
        clusterConfiguration.apiServer = {
            extraArgs: extraArgs(kubeadmApi, [{ name: "tracing-config-file", value: NODE_APISERVER_TRACING_FILE }]),
            // The apiserver is a static pod: the node's file must also be mounted into the pod.
            extraVolumes: [{ name: "kubetracing", hostPath: NODE_TRACING_DIR, mountPath: NODE_TRACING_DIR, readOnly: true, pathType: "DirectoryOrCreate" }],
        };
    }
    if (plan.etcd) {
        clusterConfiguration.etcd = {
            local: {
                ...(settings.kindEtcdImage ? etcdImageFields(settings.kindEtcdImage) : {}),
                extraArgs: extraArgs(kubeadmApi, plan.etcd.args),
            },
        };
    }
    if (plan.containerd) {
        everyNodeMounts.push({ hostPath: `./${KIND_MOUNTED_FILES.containerdDropIn}`, containerPath: NODE_CONTAINERD_DROP_IN, readOnly: true });
    }

    // kind takes its kubeadm and containerd patches as text (a list of YAML and TOML documents).
    const patches: string[] = [];
    if (clusterConfiguration.apiServer || clusterConfiguration.etcd) patches.push(toYaml(clusterConfiguration));
    if (hostCgroupV1 && plan.facts.kubeletRefusesCgroupV1) {
        const kubelet = plan.kubeletConfig ?? { apiVersion: plan.facts.kubeletConfigApiVersion, kind: "KubeletConfiguration" };
        patches.push(
            "# failCgroupV1: false because the Docker host runs cgroup v1, which this kubelet refuses by default (kubetracing's create script chose this file by `docker info`).\n" +
                toYaml({ ...kubelet, failCgroupV1: false }),
        );
    } else if (plan.kubeletConfig) patches.push(toYaml(plan.kubeletConfig));

    const node = (role: string, mounts: object[]) => ({ role, image: settings.nodeImage, ...(mounts.length ? { extraMounts: mounts } : {}) });

    const config: Record<string, unknown> = {
        kind: "Cluster",
        apiVersion: "kind.x-k8s.io/v1alpha4",
        name: names.cluster,
        networking: { apiServerAddress: settings.hostBindAddress },
        nodes: [
            node("control-plane", [...controlPlaneMounts, ...everyNodeMounts]),
            ...Array.from({ length: settings.workers }, () => node("worker", everyNodeMounts)),
        ],
        ...(patches.length ? { kubeadmConfigPatches: patches } : {}),
        ...(files.containerdConfigPatch ? { containerdConfigPatches: [files.containerdConfigPatch] } : {}),
    };
    return config;
}
