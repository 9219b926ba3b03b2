// The kubeconfig handed to Kubernetes providers and other stacks: only what reaches the cluster
// (server, CA, credentials), under names fixed per stack. k3d and kind name contexts and users
// their own way and may reorder or add entries; none of that may change what a provider sees,
// because @pulumi/kubernetes replaces a provider (and everything it manages) on some kubeconfig
// changes. The active cluster's server still changes when the cluster is replaced.
import { parse as parseYaml } from "yaml";
import { toYaml } from "../config-files/file-text";

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
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
        );
    }
    return value;
}

/** An error about the kubeconfig that says where, never what: the text holds the cluster's credentials. */
export class KubeconfigError extends Error {
    constructor(problem: string) {
        super(`the engine's kubeconfig ${problem}; its text is not shown because it holds the cluster's credentials`);
        this.name = "KubeconfigError";
    }
}

/**
 * yaml's own errors quote the offending lines (a duplicated `client-key-data:` would print the
 * private key), and its warnings go to the console; only the error's code and position come out.
 */
function parseKubeconfigText(text: string): Record<string, unknown> {
    let doc: unknown;
    try {
        doc = parseYaml(text, { prettyErrors: false, logLevel: "error", uniqueKeys: true });
    } catch (err) {
        const e = err as { code?: string; pos?: [number, number] };
        const before = e.pos ? text.slice(0, e.pos[0]) : undefined;
        const where = before === undefined ? "" : ` at line ${before.split("\n").length}, column ${before.length - before.lastIndexOf("\n")}`;
        throw new KubeconfigError(`is not valid YAML (${e.code ?? "parse error"}${where})`);
    }
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== "object" || Array.isArray(doc)) throw new KubeconfigError("is not a YAML map");
    return doc as Record<string, unknown>;
}

/** What the kubeconfig's current context reaches: its cluster (server, CA) and user (credentials) entries, as written. */
export interface CurrentContext {
    cluster: Record<string, unknown>;
    user: Record<string, unknown>;
}

export function currentContext(text: string): CurrentContext {
    const doc = parseKubeconfigText(text);
    const list = (key: string) => (Array.isArray(doc[key]) ? doc[key] : []);
    const contexts = list("contexts") as Named<{ cluster: string; user: string }>[];
    const current = contexts.find((c) => c.name === doc["current-context"]) ?? (contexts.length === 1 ? contexts[0] : undefined);
    const cluster = list("clusters").find((c: Named<unknown>) => c?.name === current?.context?.cluster)?.cluster;
    const user = list("users").find((u: Named<unknown>) => u?.name === current?.context?.user)?.user;
    const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
    if (!current || !isMap(cluster) || !isMap(user)) {
        throw new KubeconfigError("has no current context with a cluster and a user");
    }
    return { cluster, user };
}

export function normalizeKubeconfig(text: string, name: string): string {
    const { cluster, user } = currentContext(text);
    return toYaml({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: sortedKeys(cluster) }],
        users: [{ name, user: sortedKeys(user) }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
    });
}
