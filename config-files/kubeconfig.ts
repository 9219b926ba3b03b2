// The kubeconfig handed to Kubernetes providers and other stacks: only what reaches the cluster
// (server, CA, credentials), under names fixed per stack. k3d and kind name contexts and users
// their own way and may reorder or add entries; none of that may change what a provider sees,
// because @pulumi/kubernetes replaces a provider (and everything it manages) on some kubeconfig
// changes. The active cluster's server still changes when the cluster is replaced.
import { parse as parseYaml } from "yaml";
import { toYaml } from "./yaml-text";

interface Named<T> {
    name: string;
    [key: string]: unknown;
    cluster?: T;
    user?: T;
    context?: T;
}

/** Same content, same text: map keys in sorted order at every level. */
function sortedKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortedKeys);
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
    }
    return value;
}

export function normalizeKubeconfig(text: string, name: string): string {
    const doc = (parseYaml(text) ?? {}) as Record<string, any>;
    const contexts = (doc.contexts ?? []) as Named<{ cluster: string; user: string }>[];
    const current = contexts.find((c) => c.name === doc["current-context"]) ?? (contexts.length === 1 ? contexts[0] : undefined);
    const cluster = (doc.clusters ?? []).find((c: Named<unknown>) => c.name === current?.context?.cluster)?.cluster;
    const user = (doc.users ?? []).find((u: Named<unknown>) => u.name === current?.context?.user)?.user;
    if (!current || !cluster || !user) {
        throw new Error("the engine's kubeconfig has no current context with a cluster and a user");
    }
    return toYaml({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: sortedKeys(cluster) }],
        users: [{ name, user: sortedKeys(user) }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
    });
}
