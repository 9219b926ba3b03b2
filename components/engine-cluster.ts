// What k3d and kind clusters share: one Command that owns the cluster's lifecycle and one that
// reads its kubeconfig as a secret. The engine-specific parts are in the rendered scripts.
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { createHash } from "crypto";
import type { EngineScripts } from "../config-files/engine-scripts";
import { normalizeKubeconfig } from "../config-files/kubeconfig";

export interface EngineClusterArgs {
    /** Cluster name as the engine knows it. */
    clusterName: string;
    /** Rendered by config-files/engine-scripts.ts from the engine config and tracing files. */
    scripts: EngineScripts;
    /** Human-readable settings summary; the preview shows it change when a setting changes. */
    summary: string;
    /** The backend's readiness check and network: the cluster comes after them and goes before them. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class EngineCluster extends pulumi.ComponentResource {
    readonly clusterName: pulumi.Output<string>;
    /** New each time the cluster is created: what Kubernetes providers key their replacement on. */
    readonly clusterId: pulumi.Output<string>;
    /** Secret: never shown in a diff or a log. Normalized: names fixed per stack (config-files/kubeconfig.ts). */
    readonly kubeconfig: pulumi.Output<string>;

    protected constructor(type: string, name: string, args: EngineClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        const cluster = new command.local.Command(`${name}-cluster`, {
            interpreter: ["/bin/bash", "-c"],
            create: args.scripts.create,
            delete: args.scripts.delete,
            // The summary says which setting changed; the create script's diff shows the changed lines.
            triggers: [args.summary, createHash("sha256").update(args.scripts.create).digest("hex")],
        }, {
            parent: this,
            dependsOn: args.dependsOn,
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
        });

        const kubeconfig = new command.local.Command(`${name}-kubeconfig`, {
            interpreter: ["/bin/bash", "-c"],
            create: args.scripts.kubeconfig,
            // Re-read whenever the cluster is replaced.
            triggers: [cluster.id],
            logging: "none",
        }, {
            parent: this,
            dependsOn: [cluster],
            additionalSecretOutputs: ["stdout"],
            // The script stops the engine after its own minute (config-files/engine-scripts.ts); this is the backstop.
            customTimeouts: { create: "3m", update: "3m" },
        });

        this.clusterId = cluster.id;
        this.clusterName = cluster.id.apply(() => args.clusterName);
        this.kubeconfig = pulumi.secret(kubeconfig.stdout.apply((text) => normalizeKubeconfig(text, args.clusterName)));
        this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig });
    }
}
