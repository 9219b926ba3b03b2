// Reads a Pulumi.<stack>.yaml the way the Pulumi CLI hands its values to the program, so
// `npm run render` accepts exactly what `pulumi up` accepts.
import { isMap, isScalar, isSeq, parseDocument, Node } from "yaml";

/** Top-level keys of a stack file that Pulumi knows (pulumi/pulumi sdk/go/common/workspace/project.go, ProjectStack). */
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

/** A stack file Pulumi would refuse, or one whose settings would silently not apply. */
export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

/**
 * A value as the program receives it: Pulumi reads a scalar as the text written (so `2.0`, `0x5`
 * and `1e1` stay those strings, and an integer setting refuses them, as it does under `pulumi up`),
 * and a list or map as JSON of its YAML values.
 */
function programValue(node: Node | null): unknown {
    if (node === null) return "";
    if (isScalar(node)) {
        if (node.value === null) return "";
        if (node.type === "PLAIN" && node.source !== undefined) return node.source;
        return String(node.value);
    }
    return node.toJSON();
}

/**
 * The `config:` map of a stack file, keys as written (`namespace:name`). Refused: YAML errors, a
 * document that is not a map, top-level keys Pulumi does not know (a typo such as `confg:` would
 * otherwise render the defaults), no `config:` map, keys without a namespace (Pulumi refuses
 * them), and secure (encrypted) values, except an exporter's header values inside kubetracing:exporters,
 * which stay {secure: ciphertext} (rendering needs none of them).
 */
export function readStackConfig(stackYamlText: string, fileName = "the stack file"): Record<string, unknown> {
    const doc = parseDocument(stackYamlText, { prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length) throw new StackFileError(`${fileName} is not valid YAML: ${doc.errors[0].message}`);
    const top = doc.contents;
    if (!isMap(top)) throw new StackFileError(`${fileName}: expected a map with a config: key at the top; write config: {} for all defaults`);
    const topKeys = top.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key));
    const unknown = topKeys.filter((k) => !STACK_FILE_KEYS.includes(k));
    if (unknown.length) {
        throw new StackFileError(
            `${fileName}: unknown top-level key ${unknown.map((k) => JSON.stringify(k)).join(", ")}; a stack file has ${STACK_FILE_KEYS.join(", ")}`,
        );
    }
    const config = top.get("config", true);
    if (!isMap(config)) {
        throw new StackFileError(
            `${fileName} has no config: map${config === undefined ? "" : ` (config: is ${isSeq(config) ? "a list" : "not a map"})`}; write config: {} for all defaults`,
        );
    }
    // No prototype: a key named __proto__ is a key like any other (and refused as unknown).
    const values: Record<string, unknown> = Object.create(null);
    for (const pair of config.items) {
        // Pulumi still reads the old form namespace:config:name as namespace:name.
        const key = String(isScalar(pair.key) ? pair.key.value : pair.key).replace(/^([^:]+):config:(?=.)/, "$1:");
        if (!/^[^:]+:[^:].*$/.test(key)) {
            throw new StackFileError(`${fileName}: config key ${JSON.stringify(key)} has no namespace; Pulumi needs namespace:name, e.g. kubetracing:${key}`);
        }
        const value = pair.value as Node | null;
        if (isMap(value) && value.has("secure")) {
            if (key === "kubetracing:exporters") {
                throw new StackFileError(
                    `${key} is one secret in the stack file; set the list in plain text and only its header values as secrets: pulumi config set --secret --path '${key}[0].headers.NAME' VALUE`,
                );
            }
            throw new StackFileError(
                `${key} is a secret in the stack file; kubetracing settings are never secret (only an exporter's header values), set it in plain text`,
            );
        }
        values[key] = programValue(value);
    }
    return values;
}

/** Pulumi.dev.yaml → dev */
export function stackNameFromFile(fileName: string): string | undefined {
    return /(?:^|[\\/])Pulumi\.([^\\/]+)\.ya?ml$/.exec(fileName)?.[1];
}
