import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { InClusterObjects } from "../config-files/in-cluster-collector";
import { formerChildAliases, formerComponentAliases } from "../stack/names";

export interface InClusterCollectorArgs {
    /** The cluster's kubeconfig (secret). */
    kubeconfig: pulumi.Input<string>;
    /** Changes only when the cluster itself is replaced; the provider, and every object, is replaced with it. */
    clusterId: pulumi.Input<string>;
    /**
     * The resource whose delete takes the cluster with it. The objects live only inside the cluster, so
     * when it goes (destroyed or replaced) the engine skips their deletes (deletedWith): a delete through
     * the provider of a replaced cluster fails ("grpc: the client connection is closing").
     */
    cluster: pulumi.Resource;
    /** Rendered by config-files/in-cluster-collector.ts. */
    objects: InClusterObjects;
    /** The logical name stacks made before LOGICAL_NAMES gave this component (stack/names.ts); the component and its children are aliased to it. */
    formerName?: string;
}

/**
 * The node-local agent: an OpenTelemetry Collector DaemonSet with OTLP on every node's addresses
 * (loopback included), Kubernetes metadata added, forwarding to the backend Collector.
 */
export class InClusterCollector extends pulumi.ComponentResource {
    readonly daemonSet: k8s.apps.v1.DaemonSet;

    constructor(name: string, args: InClusterCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubetracing:cluster:InClusterCollector", name, {}, pulumi.mergeOptions(opts, { aliases: formerComponentAliases(args.formerName) }));
        // The kubeconfig is normalized (stack/kubeconfig.ts), so a re-read with other names or
        // order is no change at all; a new cluster replaces the provider through the trigger (and
        // through its new server address, which @pulumi/kubernetes itself treats as a new cluster).
        // deleteUnreachable: objects of a cluster that is gone (deleted out of band, or its Docker
        // containers removed) are dropped from the state on delete and refresh instead of failing
        // `pulumi destroy` (pulumi-kubernetes v4.32.0 provider/pkg/provider/provider.go Read and
        // Delete, `if k.clusterUnreachable { … if k.deleteUnreachable`). They live only inside the
        // cluster, so nothing is left behind once the cluster is gone.
        const provider = new k8s.Provider(
            `${name}-provider`,
            { kubeconfig: args.kubeconfig, deleteUnreachable: true },
            {
                parent: this,
                aliases: formerChildAliases(args.formerName, "provider"),
                replacementTrigger: args.clusterId,
            },
        );
        // Removing only the agent (inClusterCollector: false) still deletes them: the cluster is not being deleted then.
        const opts_ = (part: string, dependsOn: pulumi.Resource[] = []) => ({
            parent: this,
            provider,
            dependsOn,
            deletedWith: args.cluster,
            aliases: formerChildAliases(args.formerName, part),
        });
        const o = args.objects;
        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, o.namespace, opts_("namespace"));
        const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-service-account`, o.serviceAccount, opts_("service-account", [namespace]));
        const role = new k8s.rbac.v1.ClusterRole(`${name}-cluster-role`, o.clusterRole, opts_("cluster-role"));
        const binding = new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-cluster-role-binding`,
            o.clusterRoleBinding,
            opts_("cluster-role-binding", [role, serviceAccount]),
        );
        const config = new k8s.core.v1.ConfigMap(`${name}-config`, o.configMap, opts_("config", [namespace]));
        // @pulumi/kubernetes waits for the DaemonSet's rollout: `up` returns once every node's agent is ready.
        this.daemonSet = new k8s.apps.v1.DaemonSet(`${name}-daemonset`, o.daemonSet, opts_("daemonset", [config, binding]));
        this.registerOutputs({ daemonSet: this.daemonSet.metadata.name });
    }
}
