// Stack configuration → validated settings. Pure: no Pulumi imports, no I/O.
//
// The declarations (type, default, description of every key) live once, in Pulumi.yaml.
// `readConfigDeclarations` reads them; `parseSettings` applies their defaults and checks every
// value, so `pulumi up`, `npm run render` and the tests all reject the same bad input with the
// same message, before anything is created.
import { parse as parseYaml } from "yaml";
import { distance } from "fastest-levenshtein";
import * as semver from "semver";
import { findRelease, EngineRelease, EngineName, ENGINES, supportedVersionsText, etcdImageVersion, collectorFacts, PINNED_IMAGES } from "../versions/versions";
import { IMAGE_REFERENCE_FORMAT, parseImageReference } from "./image-reference";
import { ExporterSettings, parseExporters } from "./exporters";

export const CONFIG_NAMESPACE = "kubetracing";

export type Engine = EngineName;

export const COMPONENTS = ["etcd", "apiserver", "kubelet", "containerd"] as const;
export type TracedComponent = (typeof COMPONENTS)[number];

export const TRACE_TARGETS = ["backend", "node-agent"] as const;
export type ControlPlaneTraceTarget = (typeof TRACE_TARGETS)[number];

export const MAX_SAMPLING_RATE = 1_000_000;
export const MAX_WORKERS = 10;

/**
 * Config namespaces of the providers the program uses (@pulumi/docker, @pulumi/command,
 * @pulumi/kubernetes) and Pulumi's own (pulumi:tags, …). Keys in any other namespace reach nothing.
 */
export const PROVIDER_NAMESPACES = ["docker", "command", "kubernetes", "pulumi"] as const;

/** etcd images kindEtcdImage may name: 3.4 and older have no tracing; the flag names are known for 3.5 to 3.7. */
export const KIND_ETCD_VERSIONS = ">=3.5.0 <3.8.0";

export type DeclaredType = "string" | "integer" | "boolean" | "array";

export interface ConfigDeclaration {
    type: DeclaredType;
    default: unknown;
    description: string;
}

/** Key (without namespace) → declaration, as written in Pulumi.yaml's `config:` block. */
export type ConfigDeclarations = Record<string, ConfigDeclaration>;

export interface HostPorts {
    /** 0 means "let Docker choose a free port". */
    jaegerUi: number;
    otlpGrpc: number;
    otlpHttp: number;
}

export interface StackSettings {
    engine: Engine;
    /** The pinned release the requested Kubernetes version resolved to (image, bundled etcd and containerd). */
    release: EngineRelease;
    workers: number;
    tracedComponents: TracedComponent[];
    /** Effective rate per million for every component (traced or not), overrides applied. */
    samplingRatePerMillion: Record<TracedComponent, number>;
    hostBindAddress: string;
    hostPorts: HostPorts;
    /** Empty string: use the pinned image. */
    jaegerImage: string;
    collectorImage: string;
    kindEtcdImage: string;
    jaegerMaxTraces: number;
    collectorMemoryLimitMiB: number;
    inClusterCollector: boolean;
    controlPlaneTraceTarget: ControlPlaneTraceTarget;
    /** Team backends the Collector also sends every span to; their header values are SecretTexts. */
    exporters: ExporterSettings[];
    /** false: no Jaeger container, the Collector only forwards to the exporters. */
    localJaeger: boolean;
    /** Accepted, but worth a warning (an exposed address, a key no provider reads). */
    notes: string[];
}

/** Every problem found in one pass, so a user fixes them all at once. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`Invalid kubetracing configuration (nothing was created):\n` + problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "ConfigError";
    }
}

export function readConfigDeclarations(pulumiYamlText: string): ConfigDeclarations {
    const project = parseYaml(pulumiYamlText) as { config?: Record<string, Partial<ConfigDeclaration>> };
    // No prototype: a key such as "constructor" must not look declared.
    const declarations: ConfigDeclarations = Object.create(null);
    for (const [fullKey, decl] of Object.entries(project.config ?? {})) {
        const key = fullKey.startsWith(`${CONFIG_NAMESPACE}:`) ? fullKey.slice(CONFIG_NAMESPACE.length + 1) : fullKey;
        if (!decl || decl.default === undefined || !decl.type) {
            throw new Error(`Pulumi.yaml: config key ${fullKey} needs a type and a default`);
        }
        declarations[key] = { type: decl.type, default: decl.default, description: decl.description ?? "" };
    }
    return declarations;
}

/** A namespace this close to ours is a typo of it, not another provider's. */
const NAMESPACE_TYPO_DISTANCE = 2;

/**
 * Our keys, with or without the `kubetracing:` namespace, in a Map (so `__proto__` is a key like any
 * other). A near miss of our namespace (`kubetracin:`, `Kubetracing:`) is a problem: its value would
 * silently not apply. Any other namespace no provider in use reads is a note.
 */
function ourKeys(raw: Record<string, unknown>, problems: string[], notes: string[]): Map<string, unknown> {
    const ours = new Map<string, unknown>();
    for (const [key, value] of Object.entries(raw)) {
        const colon = key.indexOf(":");
        if (colon === -1) {
            ours.set(key, value);
            continue;
        }
        const namespace = key.slice(0, colon);
        const name = key.slice(colon + 1);
        if (namespace === CONFIG_NAMESPACE) ours.set(name, value);
        else if ((PROVIDER_NAMESPACES as readonly string[]).includes(namespace)) continue;
        else if (distance(namespace.toLowerCase(), CONFIG_NAMESPACE) <= NAMESPACE_TYPO_DISTANCE) {
            problems.push(`${key}: the namespace is "${namespace}", not "${CONFIG_NAMESPACE}", so nothing would read it; write ${CONFIG_NAMESPACE}:${name}`);
        } else {
            notes.push(
                `${key}: no provider this stack uses reads the "${namespace}" namespace (${PROVIDER_NAMESPACES.join(", ")} and ${CONFIG_NAMESPACE} do); it is ignored`,
            );
        }
    }
    return ours;
}

const quote = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)));

/** Settings that may hold Pulumi secrets (the exporters' header values): their value is never quoted in a problem. */
const SECRET_BEARING_KEYS = ["exporters"];

export interface ParseOptions {
    /** Keys Pulumi holds as secrets (`pulumi up` knows them; a stack file shows its ciphertext instead). */
    secretKeys?: readonly string[];
}

/** Pulumi hands config to the program as strings; stack files and tests may give native values. */
function coerce(key: string, decl: ConfigDeclaration, value: unknown, problems: string[]): unknown {
    const fail = (what: string) => {
        problems.push(`kubetracing:${key} = ${SECRET_BEARING_KEYS.includes(key) ? "(not shown: it may hold secrets)" : quote(value)}: ${what}`);
        return undefined;
    };
    switch (decl.type) {
        case "string":
            // Pulumi hands an unquoted YAML number or boolean to the program as its text; so do we.
            if (typeof value === "number" || typeof value === "boolean") return String(value);
            return typeof value === "string" ? value : fail("expected a string");
        case "integer": {
            // Digits only, as Pulumi's own integer check: no spaces, no 2.0, 0x5 or 1e1.
            const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : NaN;
            return Number.isSafeInteger(n) ? n : fail("expected a whole number");
        }
        case "boolean":
            if (typeof value === "boolean") return value;
            if (value === "true" || value === "false") return value === "true";
            return fail("expected true or false");
        case "array": {
            let list = value;
            if (typeof value === "string") {
                try {
                    list = JSON.parse(value);
                } catch {
                    return fail('expected a list, e.g. ["etcd","kubelet"]');
                }
            }
            return Array.isArray(list) ? list : fail("expected a list");
        }
    }
}

function checkRange(key: string, value: number, min: number, max: number, problems: string[], note = "") {
    if (value < min || value > max) problems.push(`kubetracing:${key} = ${value}: accepted ${min} to ${max}${note}`);
}

/** A pinned image override: Docker must accept the reference, and it must not float (no tag, or latest). */
function checkImage(key: string, image: string, problems: string[]) {
    if (image === "") return;
    const ref = parseImageReference(image);
    if (!ref) {
        problems.push(`kubetracing:${key} = ${quote(image)}: not a valid image reference; accepted ${IMAGE_REFERENCE_FORMAT}`);
    } else if (!ref.digest && (ref.tag === undefined || ref.tag === "latest")) {
        problems.push(`kubetracing:${key} = ${quote(image)}: pin an exact version (name:tag other than latest, or name@sha256:digest)`);
    }
}

/** kind only: an etcd image kubeadm can take as imageRepository + imageTag, of a version with tracing. */
function checkKindEtcdImage(image: string, engine: string, problems: string[]) {
    const fail = (what: string) => problems.push(`kubetracing:kindEtcdImage = ${quote(image)}: ${what}`);
    if (engine !== "kind") return fail("only used with engine kind (k3s embeds its etcd); leave it empty");
    const ref = parseImageReference(image);
    if (!ref) return fail(`not a valid image reference; accepted ${IMAGE_REFERENCE_FORMAT}`);
    const version = etcdImageVersion(image);
    if (ref.digest || !version || !/(^|\/)etcd$/.test(ref.path)) {
        return fail("expected an etcd image whose tag is its version, e.g. registry.k8s.io/etcd:3.5.12-0 (kubeadm takes a repository and a tag, no digest)");
    }
    if (!semver.satisfies(version, KIND_ETCD_VERSIONS)) {
        fail(`etcd ${version} is outside ${KIND_ETCD_VERSIONS}: 3.4 and older have no tracing, and newer flag names are unknown to this stack`);
    }
}

/** Loopback addresses publish only to this machine; anything else reaches the network. */
const isLoopback = (ipv4: string) => ipv4.startsWith("127.");

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * Applies the declared defaults to `raw` and validates everything. Throws ConfigError listing every
 * problem (key, value, what is accepted). Unknown keys in our namespace are errors too: a typo
 * would otherwise silently fall back to a default.
 */
export function parseSettings(rawConfig: Record<string, unknown>, declarations: ConfigDeclarations, options: ParseOptions = {}): StackSettings {
    const problems: string[] = [];
    const notes: string[] = [];
    const raw = ourKeys(rawConfig, problems, notes);
    const known = Object.keys(declarations);
    for (const key of raw.keys()) {
        if (!Object.hasOwn(declarations, key)) {
            problems.push(`kubetracing:${key} is not a setting of this stack; known settings: ${known.join(", ")}`);
        }
    }
    const value: Record<string, unknown> = {};
    for (const [key, decl] of Object.entries(declarations)) {
        const given = raw.get(key);
        value[key] = given === undefined ? decl.default : coerce(key, decl, given, problems);
    }
    if (problems.length) throw new ConfigError(problems);

    const engine = value.engine as string;
    if (!(ENGINES as readonly string[]).includes(engine)) {
        problems.push(`kubetracing:engine = ${quote(engine)}: accepted ${ENGINES.join(" or ")}`);
    }

    let release: EngineRelease | undefined;
    const requestedVersion = (value.kubernetesVersion as string).replace(/^v/, "");
    if (/\s/.test(requestedVersion)) {
        problems.push(
            `kubetracing:kubernetesVersion = ${quote(value.kubernetesVersion)}: no spaces; accepted a minor such as "1.34" or a pinned patch such as "1.29.2"`,
        );
    } else if ((ENGINES as readonly string[]).includes(engine)) {
        release = findRelease(engine as Engine, requestedVersion);
        if (!release) {
            // YAML reads an unquoted 1.30 as the number 1.3.
            const hint = /^1\.\d$/.test(requestedVersion) ? ` (write it quoted, e.g. "${requestedVersion}0": unquoted YAML drops the trailing zero)` : "";
            problems.push(
                `kubetracing:kubernetesVersion = ${quote(value.kubernetesVersion)}: not in the pinned ${engine} table; ` +
                    supportedVersionsText(engine as Engine) +
                    hint,
            );
        }
    }

    const workers = value.workers as number;
    checkRange("workers", workers, 0, MAX_WORKERS, problems);

    const components = value.tracedComponents as unknown[];
    const tracedComponents: TracedComponent[] = [];
    for (const c of components) {
        if (typeof c !== "string" || !(COMPONENTS as readonly string[]).includes(c)) {
            problems.push(`kubetracing:tracedComponents contains ${quote(c)}: accepted ${COMPONENTS.join(", ")}`);
        } else if (tracedComponents.includes(c as TracedComponent)) {
            problems.push(`kubetracing:tracedComponents lists ${quote(c)} twice`);
        } else {
            tracedComponents.push(c as TracedComponent);
        }
    }
    if (components.length === 0) {
        problems.push(`kubetracing:tracedComponents = []: list at least one of ${COMPONENTS.join(", ")} (an empty list traces nothing)`);
    }

    const globalRate = value.samplingRatePerMillion as number;
    checkRange("samplingRatePerMillion", globalRate, 0, MAX_SAMPLING_RATE, problems, " (1000000 = every request)");
    const samplingRatePerMillion = {} as Record<TracedComponent, number>;
    for (const component of COMPONENTS) {
        const key = `${component}SamplingRatePerMillion`;
        const own = value[key] as number;
        if (own !== -1) checkRange(key, own, 0, MAX_SAMPLING_RATE, problems, ", or -1 for samplingRatePerMillion");
        samplingRatePerMillion[component] = own === -1 ? globalRate : own;
    }

    const hostBindAddress = value.hostBindAddress as string;
    if (!IPV4.test(hostBindAddress)) {
        problems.push(`kubetracing:hostBindAddress = ${quote(hostBindAddress)}: accepted an IPv4 address such as 127.0.0.1 or 0.0.0.0`);
    } else if (!isLoopback(hostBindAddress)) {
        notes.push(
            `kubetracing:hostBindAddress = ${hostBindAddress}: the Jaeger UI, the OTLP receivers and the Kubernetes API are published beyond this machine, ` +
                `and Jaeger and the Collector have no authentication; use 127.0.0.1 unless others must reach them`,
        );
    }

    const hostPorts: HostPorts = {
        jaegerUi: value.jaegerUiPort as number,
        otlpGrpc: value.otlpGrpcPort as number,
        otlpHttp: value.otlpHttpPort as number,
    };
    const portKeys: Record<keyof HostPorts, string> = { jaegerUi: "jaegerUiPort", otlpGrpc: "otlpGrpcPort", otlpHttp: "otlpHttpPort" };
    const seen = new Map<number, string>();
    for (const [name, port] of Object.entries(hostPorts) as [keyof HostPorts, number][]) {
        checkRange(portKeys[name], port, 0, 65535, problems, " (0 = Docker picks a free port)");
        if (port !== 0 && port < 1024) problems.push(`kubetracing:${portKeys[name]} = ${port}: ports below 1024 need root; accepted 0 or 1024 to 65535`);
        if (port !== 0 && seen.has(port)) {
            problems.push(`kubetracing:${portKeys[name]} = ${port} clashes with kubetracing:${seen.get(port)}; give each a different port, or 0`);
        }
        seen.set(port, portKeys[name]);
    }

    for (const key of ["jaegerImage", "collectorImage"]) checkImage(key, value[key] as string, problems);
    const kindEtcdImage = value.kindEtcdImage as string;
    if (kindEtcdImage !== "") checkKindEtcdImage(kindEtcdImage, engine, problems);

    const jaegerMaxTraces = value.jaegerMaxTraces as number;
    checkRange("jaegerMaxTraces", jaegerMaxTraces, 1000, 1_000_000, problems);
    const collectorMemoryLimitMiB = value.collectorMemoryLimitMiB as number;
    checkRange("collectorMemoryLimitMiB", collectorMemoryLimitMiB, 64, 8192, problems);

    const inClusterCollector = value.inClusterCollector as boolean;
    const target = value.controlPlaneTraceTarget as string;
    if (!(TRACE_TARGETS as readonly string[]).includes(target)) {
        problems.push(`kubetracing:controlPlaneTraceTarget = ${quote(target)}: accepted ${TRACE_TARGETS.join(" or ")}`);
    } else if (target === "node-agent" && !inClusterCollector) {
        problems.push(`kubetracing:controlPlaneTraceTarget = "node-agent" needs kubetracing:inClusterCollector = true (there is no node agent otherwise)`);
    }

    const localJaeger = value.localJaeger as boolean;
    const exportersSecret = (options.secretKeys ?? []).some((k) => k === "exporters" || k === `${CONFIG_NAMESPACE}:exporters`);
    const exporters = parseExporters(value.exporters as unknown[], exportersSecret, problems, notes);
    if (!localJaeger && (value.exporters as unknown[]).length === 0) {
        problems.push(`kubetracing:localJaeger = false with no kubetracing:exporters: the spans would go nowhere; add an exporter or keep the local Jaeger`);
    }
    const collectorImage = value.collectorImage as string;
    if (exporters.length && !collectorFacts(collectorImage || PINNED_IMAGES.collector).teamExporters) {
        problems.push(
            `kubetracing:exporters need a Collector 0.140.0 or newer (their sending_queue settings); kubetracing:collectorImage = ${quote(collectorImage)}`,
        );
    }

    if (problems.length || !release) throw new ConfigError(problems);
    return {
        engine: engine as Engine,
        release,
        workers,
        tracedComponents,
        samplingRatePerMillion,
        hostBindAddress,
        hostPorts,
        jaegerImage: value.jaegerImage as string,
        collectorImage: value.collectorImage as string,
        kindEtcdImage,
        jaegerMaxTraces,
        collectorMemoryLimitMiB,
        inClusterCollector,
        controlPlaneTraceTarget: target as ControlPlaneTraceTarget,
        exporters,
        localJaeger,
        notes,
    };
}

export function isTraced(settings: Pick<StackSettings, "tracedComponents">, component: TracedComponent): boolean {
    return settings.tracedComponents.includes(component);
}
