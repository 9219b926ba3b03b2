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

export function stackNames(project: string, stack: string): StackNames {
    const wanted = `${project}-${stack}`;
    let prefix = dnsLabel(wanted);
    if (prefix !== wanted || prefix.length > MAX_PREFIX || !/^[a-z]/.test(prefix)) {
        // Different raw names must not collapse into one: add a short hash of the original.
        const hash = createHash("sha256").update(wanted).digest("hex").slice(0, 6);
        prefix = `${dnsLabel(`kt-${prefix}`).slice(0, MAX_PREFIX - 7).replace(/-$/, "")}-${hash}`;
    }
    return {
        cluster: prefix,
        network: `${prefix}-net`,
        jaegerContainer: `${prefix}-jaeger`,
        collectorContainer: `${prefix}-collector`,
    };
}
