import * as pulumi from "@pulumi/pulumi";
import { EngineCluster, EngineClusterArgs } from "./engine-cluster";

/**
 * A kind cluster: kubeadm static pods on pinned kindest/node images, one control-plane node and
 * `workers` workers, on the stack's Docker network, with the same four components traced as k3d.
 */
export class KindCluster extends EngineCluster {
    constructor(name: string, args: EngineClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubetracing:cluster:KindCluster", name, args, opts);
    }
}
