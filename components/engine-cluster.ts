// What k3d and kind clusters share: one Command that owns the cluster's lifecycle and one that
// reads its kubeconfig as a secret. The engine-specific parts are in the rendered scripts.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { createHash } from "crypto";
import { runScript, SCRIPT_VARIABLES, type EngineScripts } from "../engine/engine-scripts";
import { KubeconfigError, normalizeKubeconfig } from "../stack/kubeconfig";
import { formerChildAliases, formerComponentAliases } from "../stack/names";

export interface EngineClusterArgs {
    /** Cluster name as the engine knows it. */
    clusterName: string;
    /** Rendered by engine/engine-scripts.ts from the engine config and tracing files. */
    scripts: EngineScripts;
    /** Human-readable settings summary; the preview shows it change when a setting changes. */
    summary: string;
    /** The logical name stacks made before LOGICAL_NAMES gave this component (stack/names.ts); the component and its children are aliased to it. */
    formerName?: string;
}

/**
 * The one type of the cluster component, whichever the engine. The type is part of every URN
 * under it, so a type per engine made k3d → kind a create of new resources followed by the delete
 * of the old ones (the engine deletes what a program no longer registers at the end), the old
 * delete running after the new create. With one type the URNs stay and the engine switch is a
 * change of the cluster Command: a replacement, the old cluster deleted first (deleteBeforeReplace).
 */
export const CLUSTER_TYPE = "kubetracing:cluster:EngineCluster";

/**
 * The types of stacks made before CLUSTER_TYPE: an alias lets the engine find the component's old
 * state under either, and its children inherit that alias (pulumi/pulumi v3.259.0
 * pkg/resource/deploy/step_generator.go getOldResource, generateAliases, inheritedChildAlias),
 * so an upgrade keeps the cluster instead of creating a second one.
 */
export const FORMER_CLUSTER_TYPES = ["kubetracing:cluster:K3dCluster", "kubetracing:cluster:KindCluster"];

/**
 * Every stack's cluster component was named after the stack before LOGICAL_NAMES (stack/names.ts); the URN carries
 * the stack already. These aliases find its state under the old name, with either former type.
 */
export function formerClusterAliases(formerName: string | undefined): pulumi.Alias[] {
    return formerComponentAliases(formerName).flatMap((alias) => [alias, ...FORMER_CLUSTER_TYPES.map((type) => ({ ...alias, type }))]);
}

/**
 * A k3d or kind cluster on the stack's Docker network with etcd, kube-apiserver, every kubelet and
 * every containerd traced. k3d: k3s with embedded etcd (--cluster-init), one server and `workers`
 * agents. kind: kubeadm static pods on pinned kindest/node images, one control-plane node and
 * `workers` workers. The engine-specific parts are in the rendered scripts.
 */
export class EngineCluster extends pulumi.ComponentResource {
    /** Known once the cluster exists (read with its kubeconfig), so a stack whose cluster was never created claims no name. */
    readonly clusterName: pulumi.Output<string>;
    /** The Command that owns the cluster: objects that live only inside the cluster go with its delete (deletedWith). */
    readonly lifecycle: pulumi.Resource;
    /** New each time the cluster is created: what Kubernetes providers key their replacement on. */
    readonly clusterId: pulumi.Output<string>;
    /** Secret: never shown in a diff or a log. Normalized: names fixed per stack (stack/kubeconfig.ts). */
    readonly kubeconfig: pulumi.Output<string>;

    constructor(name: string, args: EngineClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(CLUSTER_TYPE, name, {}, pulumi.mergeOptions(opts, { aliases: formerClusterAliases(args.formerName) }));
        const cluster = new command.local.Command(
            `${name}-cluster`,
            {
                interpreter: ["/bin/bash", "-c"],
                // The scripts travel in the environment, so the commands stay one line: pulumi-command puts the
                // command into every failure message (v1.2.1 provider/pkg/provider/local/commandOutputs.go,
                // `running %q`), where the whole script buried the engine's own one-line error.
                create: runScript(SCRIPT_VARIABLES.create),
                delete: runScript(SCRIPT_VARIABLES.delete),
                environment: { [SCRIPT_VARIABLES.create]: args.scripts.create, [SCRIPT_VARIABLES.delete]: args.scripts.delete },
                // The summary says which setting changed; the create script's diff shows the changed lines.
                triggers: [args.summary, createHash("sha256").update(args.scripts.create).digest("hex")],
            },
            {
                // After whatever the component depends on (the backend: its network and a Collector
                // that answers), through the parent: a child registers only once its parent has.
                parent: this,
                aliases: formerChildAliases(args.formerName, "cluster"),
                // Any change replaces the cluster, not only one of the triggers. pulumi-command treats a
                // change of any other input (the delete script after an upgrade of this project, the
                // interpreter) as an update, and with no `update` script its Update runs `create` again
                // (pulumi-command v1.2.1 provider/pkg/provider/local/commandController.go Update: "Use
                // Create command if Update is unspecified"): that would recreate the live cluster under
                // the same id, so the kubeconfig (keyed on the id) would not be read again. The engine
                // turns every changed input matched by "*" into a replacement (pulumi/pulumi v3.259.0
                // pkg/resource/deploy/step_generator.go applyReplaceOnChanges, PropertyPath.Contains).
                replaceOnChanges: ["*"],
                // The cluster name is fixed per stack, so the old cluster must go before the new one comes.
                deleteBeforeReplace: true,
                // Backstops above the scripts' own limits (SCRIPT_TIMEOUTS: at most about 22 min to create, 6 to delete).
                customTimeouts: { create: "25m", delete: "10m" },
            },
        );

        const kubeconfig = new command.local.Command(
            `${name}-kubeconfig`,
            {
                interpreter: ["/bin/bash", "-c"],
                create: runScript(SCRIPT_VARIABLES.kubeconfig),
                environment: { [SCRIPT_VARIABLES.kubeconfig]: args.scripts.kubeconfig },
                // Re-read whenever the cluster is replaced.
                triggers: [cluster.id],
                logging: "none",
            },
            {
                parent: this,
                aliases: formerChildAliases(args.formerName, "kubeconfig"),
                dependsOn: [cluster],
                additionalSecretOutputs: ["stdout"],
                // The script stops the engine after its own minute (engine/engine-scripts.ts); this is the backstop.
                customTimeouts: { create: "3m", update: "3m" },
            },
        );

        this.clusterId = cluster.id;
        this.lifecycle = cluster;
        // From the kubeconfig Command's id (not its stdout, which is secret): unknown until the cluster exists.
        this.clusterName = kubeconfig.id.apply(() => args.clusterName);
        this.kubeconfig = pulumi.secret(
            kubeconfig.stdout.apply((text) => {
                try {
                    return normalizeKubeconfig(text, args.clusterName);
                } catch (err) {
                    // Its message holds no part of the kubeconfig (stack/kubeconfig.ts); as a ResourceError the
                    // CLI names this component and prints no stack trace.
                    if (err instanceof KubeconfigError) throw new pulumi.ResourceError(`cluster ${args.clusterName}: ${err.message}`, this);
                    throw err;
                }
            }),
        );
        this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig });
    }
}
