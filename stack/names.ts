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
