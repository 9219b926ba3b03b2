// The little of the Kubernetes API `npm run verify` needs, spoken directly rather than through kubectl:
// its test requests must carry a W3C `traceparent` header, which kubectl cannot send. The kubeconfig's
// current context gives the server, its CA and the credentials (a client certificate or a bearer token,
// inline or in files); nothing is written to disk.
import * as fs from "fs";
import * as https from "https";
import { currentContext, KubeconfigError } from "../stack/kubeconfig";

export interface KubeAnswer {
    status: number;
    body: string;
}

export interface KubeApi {
    /** The API server's URL, for messages. */
    server: string;
    request(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number }): Promise<KubeAnswer>;
}

const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

/** Inline data (base64) or a file the kubeconfig names; undefined when it names neither. */
function material(entry: Record<string, unknown>, key: string): Buffer | undefined {
    const inline = text(entry[`${key}-data`]);
    if (inline) return Buffer.from(inline, "base64");
    const file = text(entry[key]);
    if (!file) return undefined;
    try {
        return fs.readFileSync(file);
    } catch (err) {
        throw new KubeconfigError(`names ${key} ${file}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
}

export function kubeApiFrom(kubeconfig: string): KubeApi {
    const { cluster, user } = currentContext(kubeconfig);
    const server = text(cluster.server);
    if (!server || !/^https:\/\//.test(server)) throw new KubeconfigError("names no https:// server in its current context");
    if (user.exec || user["auth-provider"]) {
        throw new KubeconfigError("authenticates with an exec or auth-provider plugin, which verify does not run; give it a client certificate or a token");
    }
    const token = text(user.token) ?? (text(user.tokenFile) ? fs.readFileSync(String(user.tokenFile), "utf8").trim() : undefined);
    const tls: https.RequestOptions = {
        ca: material(cluster, "certificate-authority"),
        cert: material(user, "client-certificate"),
        key: material(user, "client-key"),
        rejectUnauthorized: cluster["insecure-skip-tls-verify"] !== true,
        servername: text(cluster["tls-server-name"]),
    };
    if (!token && !(tls.cert && tls.key)) throw new KubeconfigError("has neither a client certificate and key nor a token for its current user");
    return {
        server,
        request: (method, path, options = {}) =>
            new Promise((resolve, reject) => {
                const body = options.body === undefined ? undefined : JSON.stringify(options.body);
                const headers: Record<string, string> = {
                    accept: "application/json",
                    ...(body ? { "content-type": "application/json" } : {}),
                    ...(token ? { authorization: `Bearer ${token}` } : {}),
                    ...options.headers,
                };
                const req = https.request(new URL(path, server), { ...tls, method, headers, timeout: options.timeoutMs ?? 10_000 }, (res) => {
                    let answer = "";
                    res.setEncoding("utf8");
                    res.on("data", (d) => (answer += d));
                    res.on("end", () => resolve({ status: res.statusCode ?? 0, body: answer }));
                });
                req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer from ${server} within ${options.timeoutMs ?? 10_000} ms`)));
                req.on("error", reject);
                req.end(body);
            }),
    };
}
