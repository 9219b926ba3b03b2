// A config value in the type its setting declares, or undefined when it is not of it. Pulumi hands
// config to the program as text (an unquoted YAML number or boolean included); stack files and
// tests may give native values. Shared by the settings table and the exporters' fields.
export const readText = (given: unknown) =>
    typeof given === "string" ? given : typeof given === "number" || typeof given === "boolean" ? String(given) : undefined;
// Digits only, as Pulumi's own integer check: no spaces, no 2.0, 0x5 or 1e1.
export const readInteger = (given: unknown) => {
    const n = typeof given === "number" ? given : typeof given === "string" && /^-?\d+$/.test(given) ? Number(given) : NaN;
    return Number.isSafeInteger(n) ? n : undefined;
};
export const readBoolean = (given: unknown) => (typeof given === "boolean" ? given : given === "true" || given === "false" ? given === "true" : undefined);
export const readList = (given: unknown): unknown[] | undefined => {
    if (Array.isArray(given)) return given;
    if (typeof given !== "string") return undefined;
    try {
        const list: unknown = JSON.parse(given);
        return Array.isArray(list) ? list : undefined;
    } catch {
        return undefined;
    }
};
