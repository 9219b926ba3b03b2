// Every Docker object and cluster the stack creates is named from project and stack, so two
// stacks (or two checkouts) on one machine never share a container, network or cluster.
import { createHash } from "crypto";

export interface StackNames {
    /** Cluster name (k3d prefixes its containers with k3d-, kind suffixes -control-plane / -workerN). */
    cluster: string;
    network: string;
    jaegerContainer: string;
    collectorContainer: string;
}

/** k3d refuses cluster names over 32 characters; kind needs a DNS label. Keep room for both. */
const MAX_PREFIX = 24;

function dnsLabel(text: string): string {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "");
}

/** "kt-" + as much of the stack name as fits + "-" + 6 hex characters of hash. */
const HASH_LENGTH = 6;

export function stackNames(project: string, stack: string): StackNames {
    const wanted = `${project}-${stack}`;
    let prefix = dnsLabel(wanted);
    if (prefix !== wanted || prefix.length > MAX_PREFIX || !/^[a-z]/.test(prefix)) {
        // Different raw names must not collapse into one: a short hash of project and stack keeps
        // them apart, so the readable part can be the stack's name alone, which is what tells one
        // stack's containers from another's in `docker ps`.
        const hash = createHash("sha256").update(wanted).digest("hex").slice(0, HASH_LENGTH);
        const room = MAX_PREFIX - "kt-".length - 1 - HASH_LENGTH;
        const readable = dnsLabel(stack).slice(0, room).replace(/-+$/, "");
        prefix = readable ? `kt-${readable}-${hash}` : `kt-${hash}`;
    }
    return {
        cluster: prefix,
        network: `${prefix}-net`,
        jaegerContainer: `${prefix}-jaeger`,
        collectorContainer: `${prefix}-collector`,
    };
}

/**
 * Logical names, the last part of every URN: the same in every stack, since the URN already
 * carries the stack's name. Each component's children are named "<component>-<part>"
 * (backend-network, kubernetes-cluster, node-agent-daemonset).
 */
export const LOGICAL_NAMES = { backend: "backend", cluster: "kubernetes", agent: "node-agent" } as const;

/**
 * The logical names stacks were made with before LOGICAL_NAMES: the stack's cluster name. Each
 * component is aliased to its former name, and each child "<component>-<part>" to "<former>-<part>"
 * (formerChildAliases).
 */
export function formerLogicalNames(names: StackNames): Record<keyof typeof LOGICAL_NAMES, string> {
    return { backend: names.cluster, cluster: names.cluster, agent: `${names.cluster}-agent` };
}

/** A component's alias to its former name; none for a component that never had one. */
export function formerComponentAliases(formerName: string | undefined): { name: string }[] {
    return formerName === undefined ? [] : [{ name: formerName }];
}

/**
 * A child's alias to its former name. The engine would alias a child named "<parent>-<part>" by
 * itself, but only in a run in which the parent was found through its own alias (pulumi/pulumi
 * v3.274.1 pkg/resource/deploy/step_generator.go inheritedChildAlias, from sg.aliases[parent]). A
 * first `up` after the rename that stops half way saves the component under its new name; the next
 * run finds it by URN, and without this alias would create the child anew and then delete the old
 * one (for the cluster: the very cluster just made, which has the same name). The child's URN does
 * not hold its parent's name, only the parent's type, so a name alone matches it.
 */
export function formerChildAliases(formerName: string | undefined, part: string): { name: string }[] {
    return formerName === undefined ? [] : [{ name: `${formerName}-${part}` }];
}
