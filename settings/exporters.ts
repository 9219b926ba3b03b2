// Team backends the backend Collector also sends every span to (`kubetracing:exporters`): their
// validation and their header values. Pure: no Pulumi imports, no I/O. Their Collector exporters
// are rendered by config-files/team-exporters.ts.
//
// How a header value travels, and where it never goes: it is set as a Pulumi secret
// (`pulumi config set --secret --path 'kubetracing:exporters[0].headers.Authorization' …`), so the
// stack file holds only ciphertext. `pulumi up` hands the program the decrypted value, which is
// kept in a SecretText (printed, logged and serialised as "[secret]"). The rendered Collector config
// names only an environment variable (`${env:KUBETRACING_EXPORTER_0_HEADER_0}`); the value reaches
// the Collector container as that variable, given to the Docker provider as a Pulumi secret. `npm
// run render` reads the stack file, never decrypts, and needs no value at all.
import { readBoolean } from "./config-values";

export const EXPORTER_PROTOCOLS = ["grpc", "http"] as const;
export type ExporterProtocol = (typeof EXPORTER_PROTOCOLS)[number];
export const EXPORTER_FIELDS = ["name", "endpoint", "protocol", "headers", "insecure"] as const;

/** Each exporter's queue takes a share of one memory budget; more exporters, smaller queues. */
export const MAX_EXPORTERS = 4;
/** Lower-case, digits and dashes: part of the Collector's component id (otlp_grpc/NAME). */
const EXPORTER_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** The local Jaeger's exporter is otlp_grpc/jaeger. */
const RESERVED_EXPORTER_NAMES = ["jaeger"];
/** A header name as HTTP/2 and gRPC carry it; no "$" or "{" the Collector's config expansion could read. */
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Headers the exporters set themselves or a proxy owns; gRPC also reserves every grpc-* name. */
const RESERVED_HEADERS = [
    "host",
    "content-type",
    "content-length",
    "content-encoding",
    "accept-encoding",
    "transfer-encoding",
    "connection",
    "te",
    "user-agent",
    "keep-alive",
    "upgrade",
];

/** The placeholder every SecretText prints as. */
export const SECRET_PLACEHOLDER = "[secret]";

/**
 * A header value. It never prints, logs or serialises as itself (String(), JSON.stringify,
 * console.log and jest all show "[secret]"); only reveal() hands it out, to the one place that
 * passes it to the Docker provider as a Pulumi secret.
 */
export class SecretText {
    readonly #value: string | undefined;
    /** undefined: the value is still ciphertext in a stack file (npm run render needs none). */
    constructor(value: string | undefined) {
        this.#value = value;
    }
    get known(): boolean {
        return this.#value !== undefined;
    }
    reveal(): string {
        if (this.#value === undefined) throw new Error("this header value is encrypted in the stack file; only `pulumi up` decrypts it");
        return this.#value;
    }
    toString(): string {
        return SECRET_PLACEHOLDER;
    }
    toJSON(): string {
        return SECRET_PLACEHOLDER;
    }
    [Symbol.for("nodejs.util.inspect.custom")](): string {
        return SECRET_PLACEHOLDER;
    }
}

export interface ExporterHeader {
    name: string;
    /** The Collector container's environment variable that holds the value. */
    envVar: string;
    value: SecretText;
}

export interface ExporterSettings {
    name: string;
    protocol: ExporterProtocol;
    /** As the user wrote it (credentials and query are refused, so it holds no secret). */
    url: string;
    /** As the Collector's exporter takes it: host:port for gRPC, the URL for HTTP (the exporter appends /v1/traces). */
    endpoint: string;
    /** Plaintext (http://); otherwise TLS with the system's CAs. */
    insecure: boolean;
    headers: ExporterHeader[];
}

/** KUBETRACING_EXPORTER_<exporter index>_HEADER_<header index>: names the Collector's ${env:…} accepts, whatever the header is called. */
export function headerEnvVar(exporterIndex: number, headerIndex: number): string {
    return `KUBETRACING_EXPORTER_${exporterIndex}_HEADER_${headerIndex}`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const kindOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "a list" : typeof v);

/** An endpoint as it may be shown in an error: whatever sits where credentials or a query would is masked. */
export function redactEndpoint(text: string): string {
    return JSON.stringify(text.replace(/(\/\/)[^/?#]*@/, "$1***@").replace(/[?#].*$/s, (m) => `${m[0]}***`));
}

/** Loopback names and addresses: plaintext to them stays on this machine. */
const isLoopbackHost = (host: string) => host === "localhost" || host.startsWith("127.") || host === "[::1]";

/**
 * Validates the exporters list. `valuesAreSecret`: the config key holding them is a Pulumi secret
 * (under `pulumi up`); a header value must then be a string, and a stack file must hold it
 * encrypted ({secure: …}). A problem names the key and the value, except a header value, which is
 * never shown.
 */
export function parseExporters(list: unknown[], valuesAreSecret: boolean, problems: string[], notes: string[]): ExporterSettings[] {
    const key = "kubetracing:exporters";
    if (list.length > MAX_EXPORTERS) {
        problems.push(`${key} lists ${list.length} exporters; at most ${MAX_EXPORTERS} (each takes a share of the Collector's memory for its queue)`);
    }
    const exporters: ExporterSettings[] = [];
    const names = new Map<string, number>();
    list.forEach((entry, i) => {
        const at = `${key}[${i}]`;
        const before = problems.length;
        if (!isPlainObject(entry)) {
            problems.push(`${at} is ${kindOf(entry)}: expected an object with ${EXPORTER_FIELDS.join(", ")}`);
            return;
        }
        for (const field of Object.keys(entry)) {
            if (!(EXPORTER_FIELDS as readonly string[]).includes(field)) {
                problems.push(`${at}.${field} is not an exporter field; accepted ${EXPORTER_FIELDS.join(", ")}`);
            }
        }

        const name = entry.name;
        if (typeof name !== "string" || !EXPORTER_NAME.test(name)) {
            problems.push(
                `${at}.name = ${name === undefined ? "(missing)" : JSON.stringify(name)}: expected a lower-case name of letters, digits and dashes, starting with a letter, up to 32 characters (e.g. tempo)`,
            );
        } else if (RESERVED_EXPORTER_NAMES.includes(name)) {
            problems.push(`${at}.name = "${name}": the local Jaeger's exporter has that name; call it e.g. "team-${name}"`);
        } else if (names.has(name)) {
            problems.push(`${at}.name = "${name}": ${key}[${names.get(name)}] has that name already; names must differ`);
        } else {
            names.set(name, i);
        }

        const protocol = entry.protocol;
        if (typeof protocol !== "string" || !(EXPORTER_PROTOCOLS as readonly string[]).includes(protocol)) {
            problems.push(
                `${at}.protocol = ${protocol === undefined ? "(missing)" : JSON.stringify(protocol)}: accepted ${EXPORTER_PROTOCOLS.join(" or ")} (OTLP over gRPC, or OTLP over HTTP)`,
            );
        }

        const insecureGiven = entry.insecure;
        const insecure = insecureGiven === undefined ? false : readBoolean(insecureGiven);
        if (insecure === undefined) problems.push(`${at}.insecure = ${JSON.stringify(insecureGiven)}: expected true or false`);

        const endpoint = checkEndpoint(entry.endpoint, `${at}.endpoint`, protocol, insecure, problems);
        const headers = checkHeaders(entry.headers, `${at}.headers`, i, protocol, valuesAreSecret, problems);

        if (problems.length !== before || !endpoint || insecure === undefined) return;
        if (insecure && headers.length && !isLoopbackHost(endpoint.host)) {
            notes.push(
                `${at} (${name}) sends its headers and spans unencrypted to ${endpoint.host} (insecure: true); use https:// unless that network is yours`,
            );
        }
        exporters.push({
            name: name as string,
            protocol: protocol as ExporterProtocol,
            url: entry.endpoint as string,
            endpoint: endpoint.endpoint,
            insecure,
            headers,
        });
    });
    return exporters;
}

function checkEndpoint(
    value: unknown,
    at: string,
    protocol: unknown,
    insecure: boolean | undefined,
    problems: string[],
): { endpoint: string; host: string } | undefined {
    const example = protocol === "http" ? "https://otlp.example.com or http://tempo:4318" : "https://tempo.example.com:4317 or http://tempo:4317";
    const fail = (what: string) =>
        void problems.push(`${at} = ${typeof value === "string" ? redactEndpoint(value) : value === undefined ? "(missing)" : kindOf(value)}: ${what}`);
    if (typeof value !== "string") return fail(`expected a URL with its scheme, e.g. ${example}`);
    if (/[\s\x00-\x1f\x7f]/.test(value)) return fail("contains a space or control character");
    if (value.includes("$")) return fail(`contains "$", which the Collector's config would expand`);
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return fail(`not a URL; expected the scheme too, e.g. ${example}`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:")
        return fail(`scheme ${url.protocol.replace(/:$/, "")}: accepted https:// (TLS) or http:// (plaintext, with insecure: true), e.g. ${example}`);
    if (!url.hostname) return fail("has no host");
    if (url.username || url.password) return fail("has credentials in it; put them in headers, as Pulumi secrets");
    if (url.search || url.hash || value.includes("?") || value.includes("#"))
        return fail("has a query or fragment; an API key belongs in headers, as a Pulumi secret");
    if (protocol === "grpc" && url.pathname !== "/") return fail("a gRPC endpoint has no path; give scheme, host and port only");
    if (insecure === true && url.protocol === "https:")
        return fail("insecure: true turns TLS off, but the scheme is https://; write http:// for a plaintext endpoint, or leave insecure out");
    if (insecure === false && url.protocol === "http:")
        return fail("http:// is plaintext: set insecure: true to send spans and headers unencrypted, or use https://");
    if (protocol !== "grpc") return { endpoint: value.replace(/\/$/, ""), host: url.hostname };
    // gRPC dials host:port; its default port is 443 whatever the scheme.
    return { endpoint: `${url.hostname}:${url.port || "443"}`, host: url.hostname };
}

function checkHeaders(value: unknown, at: string, exporterIndex: number, protocol: unknown, valuesAreSecret: boolean, problems: string[]): ExporterHeader[] {
    if (value === undefined) return [];
    if (!isPlainObject(value)) {
        problems.push(
            `${at} is ${kindOf(value)}: expected a map of header name to a Pulumi secret, e.g. {Authorization: …} set with pulumi config set --secret --path '${at}.Authorization' VALUE`,
        );
        return [];
    }
    const headers: ExporterHeader[] = [];
    const seen = new Map<string, string>();
    Object.entries(value).forEach(([name, given], j) => {
        const header = `${at}.${name}`;
        const lower = name.toLowerCase();
        if (!HEADER_NAME.test(name)) {
            problems.push(
                `${at} has the header name ${JSON.stringify(name)}: accepted letters, digits, "-", "_" and ".", starting with a letter or digit, up to 64 characters`,
            );
        } else if (RESERVED_HEADERS.includes(lower) || lower.startsWith("grpc-")) {
            problems.push(`${header}: the exporter sets this header itself; accepted any other name (e.g. Authorization, X-Scope-OrgID)`);
        } else if (protocol === "grpc" && lower.endsWith("-bin")) {
            problems.push(`${header}: gRPC sends "-bin" headers as binary and the value would be mangled; choose a name without -bin`);
        } else if (seen.has(lower)) {
            problems.push(`${header}: ${at}.${seen.get(lower)} is the same header (names are case-insensitive)`);
        } else {
            seen.set(lower, name);
        }
        const secret = headerValue(given, header, protocol, valuesAreSecret, problems);
        if (secret) headers.push({ name, envVar: headerEnvVar(exporterIndex, j), value: secret });
    });
    return headers;
}

/** A header value: a decrypted secret (pulumi up) or ciphertext (a stack file). Never shown in a problem. */
function headerValue(given: unknown, header: string, protocol: unknown, valuesAreSecret: boolean, problems: string[]): SecretText | undefined {
    const howToSet = `pulumi config set --secret --path '${header}' VALUE`;
    if (isPlainObject(given) && Object.keys(given).length === 1 && typeof given.secure === "string") return new SecretText(undefined);
    if (typeof given !== "string") {
        problems.push(`${header}: the value is ${kindOf(given)}; expected a string set as a Pulumi secret: ${howToSet}`);
        return undefined;
    }
    const fail = (what: string) => void problems.push(`${header}: the value (not shown) ${what}`);
    if (!valuesAreSecret) return fail(`is in plain text; header values must be Pulumi secrets: ${howToSet}`);
    if (given === "") return fail("is empty");
    if (/[\x00-\x1f\x7f]/.test(given)) return fail("contains a line break or another control character");
    if (protocol === "grpc" && /[^\x20-\x7e]/.test(given)) return fail("has characters outside printable ASCII, which gRPC metadata cannot carry");
    if (given.includes("${")) return fail(`contains "\${", which the Collector would expand as a config reference`);
    return new SecretText(given);
}
