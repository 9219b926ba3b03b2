// Reads a Pulumi.<stack>.yaml the way the Pulumi CLI hands its values to the program.
import { parse as parseYaml } from "yaml";

/** The `config:` block of a stack file; secure (encrypted) values are refused, none of our keys is secret. */
export function readStackConfig(stackYamlText: string): Record<string, unknown> {
    const doc = (parseYaml(stackYamlText) ?? {}) as { config?: Record<string, unknown> };
    const config = doc.config ?? {};
    for (const [key, value] of Object.entries(config)) {
        if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
            throw new Error(`${key} is a secret in the stack file; kubetracing settings are never secret, set it in plain text`);
        }
    }
    return config;
}

/** Pulumi.dev.yaml → dev */
export function stackNameFromFile(fileName: string): string | undefined {
    return /(?:^|[\\/])Pulumi\.([^\\/]+)\.ya?ml$/.exec(fileName)?.[1];
}
