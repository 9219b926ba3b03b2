import * as pulumi from "@pulumi/pulumi";
import { EngineCluster, EngineClusterArgs } from "./engine-cluster";

/**
 * A k3d cluster: k3s with embedded etcd (--cluster-init), one server and `workers` agents, on the
 * stack's Docker network, with etcd, kube-apiserver, every kubelet and every containerd traced.
 */
export class K3dCluster extends EngineCluster {
    constructor(name: string, args: EngineClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubetracing:cluster:K3dCluster", name, args, opts);
    }
}
