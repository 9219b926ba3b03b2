import { stringify } from "yaml";

/** One YAML style for every rendered file: no line folding and no anchors, so diffs show whole values. */
export function toYaml(value: unknown): string {
    return stringify(value, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}
