// Stack configuration → validated settings. Pure: no Pulumi imports, no I/O.
//
// SETTINGS is the one table of the stack's settings: for each key its type, default, description
// and check. Pulumi.yaml's `config:` block declares the same (tests/settings.test.ts holds the two
// equal), so `pulumi config` knows the types. `parseSettings` applies the defaults and checks every
// value, so `pulumi up`, `npm run render` and the tests all reject the same bad input with the same
// message, before anything is created.
import { isIPv4 } from "net";
import { distance } from "fastest-levenshtein";
import * as semver from "semver";
import {
    findRelease,
    EngineRelease,
    EngineName,
    ENGINES,
    supportedVersionsText,
    etcdImageVersion,
    collectorFacts,
    kubeadmEtcdFloor,
    PINNED_IMAGES,
} from "../versions/versions";
import { IMAGE_REFERENCE_FORMAT, parseImageReference } from "./image-reference";
import { ExporterSettings, parseExporters } from "./exporters";
import { readBoolean, readInteger, readList, readText } from "./config-values";

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
    /** The node image the cluster runs: the nodeImage override, or the release's pinned one. */
    nodeImage: string;
    /** The node agent's Collector image: the agentImage override, or the pinned contrib image. */
    agentImage: string;
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
        else if (PROVIDER_NAMESPACES.some((provider) => provider === namespace)) continue;
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

// JSON quotes a string and shows a number, list or object as written; undefined has no JSON.
const quote = (v: unknown) => JSON.stringify(v) ?? String(v);

export type SettingType = "string" | "integer" | "boolean" | "array";

/** One row of the settings table. */
export interface Setting<T> {
    type: SettingType;
    /** For a list, the type of its items (Pulumi.yaml's `items:`). */
    items?: "string" | "object";
    default: T;
    description: string;
    /** The value in this type, or undefined when it is not of it. Pulumi hands config to the program as text; stack files and tests may give native values. */
    read: (given: unknown) => T | undefined;
    /** What the value must be, said when it is not of the type. */
    expected: string;
    /** What is accepted, when the value (already of the type) is not; undefined when it is. */
    check?: (value: T) => string | undefined;
    /** Never quote the value in a problem: it may hold Pulumi secrets (the exporters' header values). */
    mayHoldSecrets?: boolean;
}

type Row<T> = Omit<Setting<T>, "type" | "read" | "expected">;

const text = (row: Row<string>): Setting<string> => ({ type: "string", read: readText, expected: "expected a string", ...row });
const integer = (row: Row<number>): Setting<number> => ({ type: "integer", read: readInteger, expected: "expected a whole number", ...row });
const flag = (row: Row<boolean>): Setting<boolean> => ({ type: "boolean", read: readBoolean, expected: "expected true or false", ...row });
const list = (items: "string" | "object", expected: string, row: Row<unknown[]>): Setting<unknown[]> => ({
    type: "array",
    items,
    read: readList,
    expected,
    ...row,
});

// Small validators: each returns what is accepted when the value is not.
export const oneOf =
    (accepted: readonly string[]) =>
    (value: string): string | undefined =>
        accepted.includes(value) ? undefined : `accepted ${accepted.length === 2 ? accepted.join(" or ") : accepted.join(", ")}`;

export const between =
    (min: number, max: number, note = "") =>
    (value: number): string | undefined =>
        value >= min && value <= max ? undefined : `accepted ${min} to ${max}${note}`;

/** A per-component rate: -1 takes samplingRatePerMillion. */
const ownRate = (value: number) => (value === -1 ? undefined : between(0, MAX_SAMPLING_RATE, ", or -1 for samplingRatePerMillion")(value));

/** A host port: 0 lets Docker choose; below 1024 needs root. */
export function hostPort(value: number): string | undefined {
    if (value < 0 || value > 65535) return "accepted 0 to 65535 (0 = Docker picks a free port)";
    if (value !== 0 && value < 1024) return "ports below 1024 need root; accepted 0 or 1024 to 65535";
    return undefined;
}

export function ipv4Address(value: string): string | undefined {
    return isIPv4(value) ? undefined : "accepted an IPv4 address such as 127.0.0.1 or 0.0.0.0";
}

/** A pinned image override: Docker must accept the reference, and it must not float (no tag, or latest). Empty: the pinned one. */
export function pinnedImage(image: string): string | undefined {
    if (image === "") return undefined;
    const ref = parseImageReference(image);
    if (!ref) return `not a valid image reference; accepted ${IMAGE_REFERENCE_FORMAT}`;
    if (!ref.digest && (ref.tag === undefined || ref.tag === "latest")) return "pin an exact version (name:tag other than latest, or name@sha256:digest)";
    return undefined;
}

const noSpaces = (value: string) => (/\s/.test(value) ? 'no spaces; accepted a minor such as "1.34" or a pinned patch such as "1.29.2"' : undefined);

const componentRate = (component: TracedComponent) =>
    integer({
        default: -1,
        description:
            component === "etcd"
                ? "etcd's own rate per million; -1 means samplingRatePerMillion. etcd at 100% is costly (etcd-io/etcd#14310)."
                : `${component === "apiserver" ? "kube-apiserver" : component}'s own rate per million; -1 means samplingRatePerMillion.`,
        check: ownRate,
    });

/**
 * Every setting of the stack, once. Checks that need another key (the release needs the engine,
 * the node agent needs inClusterCollector, …) are in parseSettings.
 */
export const SETTINGS = {
    engine: text({
        default: "kind",
        description: "Cluster engine: kind (traces all four components) or k3d (lighter; its containerd sends no spans).",
        check: oneOf(ENGINES),
    }),
    kubernetesVersion: text({
        default: "1.34",
        description: 'Kubernetes minor ("1.34": newest pinned node image of that minor) or an exact pinned patch ("1.29.2"). See the README\'s version table.',
        check: noSpaces,
    }),
    workers: integer({
        default: 1,
        description: "Worker (agent) nodes besides the one control-plane node, 0 to 10. Each traces kubelet and containerd.",
        check: between(0, MAX_WORKERS),
    }),
    tracedComponents: list("string", 'expected a list, e.g. ["etcd","kubelet"]', {
        default: ["etcd", "apiserver", "kubelet", "containerd"],
        description: "Which control-plane components send spans; any of etcd, apiserver, kubelet, containerd.",
    }),
    samplingRatePerMillion: integer({
        default: 100000,
        description: "Spans sampled per million requests (0 to 1000000) for every traced component without its own rate below.",
        check: between(0, MAX_SAMPLING_RATE, " (1000000 = every request)"),
    }),
    etcdSamplingRatePerMillion: componentRate("etcd"),
    apiserverSamplingRatePerMillion: componentRate("apiserver"),
    kubeletSamplingRatePerMillion: componentRate("kubelet"),
    containerdSamplingRatePerMillion: componentRate("containerd"),
    hostBindAddress: text({
        default: "127.0.0.1",
        description: "Host address the Jaeger UI, the OTLP ports and the Kubernetes API are published on. 0.0.0.0 exposes them to your network.",
        check: ipv4Address,
    }),
    jaegerUiPort: integer({
        default: 0,
        description: "Host port of the Jaeger UI; 0 lets Docker pick a free one, so several stacks never collide (the stack output says which).",
        check: hostPort,
    }),
    otlpGrpcPort: integer({ default: 0, description: "Host port of the Collector's OTLP gRPC receiver; 0 lets Docker pick a free one.", check: hostPort }),
    otlpHttpPort: integer({ default: 0, description: "Host port of the Collector's OTLP HTTP receiver; 0 lets Docker pick a free one.", check: hostPort }),
    jaegerImage: text({
        default: "",
        description: "Override of the pinned Jaeger v2 image (must carry a tag other than latest, or a digest). Empty means the pinned one.",
        check: pinnedImage,
    }),
    collectorImage: text({
        default: "",
        description: "Override of the pinned OpenTelemetry Collector image (tag other than latest, or digest). Empty means the pinned one.",
        check: pinnedImage,
    }),
    nodeImage: text({
        default: "",
        description:
            "Override of the pinned node image (kindest/node or rancher/k3s), e.g. a registry mirror's copy or a locally built image; tag other than latest, or digest. Tracing is still rendered for kubernetesVersion: name the minor the image carries. Empty means the pinned one.",
        check: pinnedImage,
    }),
    agentImage: text({
        default: "",
        description:
            "Override of the node agent's pinned OpenTelemetry Collector contrib image (inClusterCollector), e.g. a registry mirror's copy; tag other than latest, or digest. Empty means the pinned one.",
        check: pinnedImage,
    }),
    kindEtcdImage: text({
        default: "",
        description:
            "kind only: replace kubeadm's etcd, e.g. registry.k8s.io/etcd:3.5.12-0 on node images whose etcd is too old for a sampling rate (below 3.5.11). Empty keeps the image's own.",
    }),
    jaegerMaxTraces: integer({
        default: 50000,
        description: "Traces Jaeger keeps in memory before dropping the oldest (1000 to 1000000).",
        check: between(1000, 1_000_000),
    }),
    collectorMemoryLimitMiB: integer({
        default: 512,
        description: "Memory the backend Collector may use before it refuses data (64 to 8192 MiB).",
        check: between(64, 8192),
    }),
    inClusterCollector: flag({
        default: false,
        description: "Also run an OpenTelemetry Collector DaemonSet in the cluster, forwarding to the backend.",
    }),
    controlPlaneTraceTarget: text({
        default: "backend",
        description:
            "Where the control plane sends spans: backend (the Collector in Docker, from the first second) or node-agent (the in-cluster DaemonSet on each node; needs inClusterCollector).",
        check: oneOf(TRACE_TARGETS),
    }),
    exporters: list("object", 'expected a list of exporters, e.g. [{"name":"tempo","endpoint":"https://tempo.example.com:4317","protocol":"grpc"}]', {
        default: [],
        description:
            "Team backends that also get every span, at most 4: a list of {name, endpoint, protocol: grpc|http, headers, insecure}, e.g. {name: tempo, endpoint: https://tempo.example.com:4317, protocol: grpc}. Header values must be Pulumi secrets: pulumi config set --secret --path 'kubetracing:exporters[0].headers.Authorization' 'Bearer …'.",
        mayHoldSecrets: true,
    }),
    localJaeger: flag({
        default: true,
        description: "Run the local Jaeger. false runs only the Collector, forwarding to kubetracing:exporters (npm run verify then has nothing to ask).",
    }),
} as const satisfies Record<string, Setting<string> | Setting<number> | Setting<boolean> | Setting<unknown[]>>;

export type SettingKey = keyof typeof SETTINGS;

const isSettingKey = (key: string): key is SettingKey => Object.hasOwn(SETTINGS, key);

export interface ParseOptions {
    /** Keys Pulumi holds as secrets (`pulumi up` knows them; a stack file shows its ciphertext instead). */
    secretKeys?: readonly string[];
}

/** kind only: an etcd image kubeadm can take as imageRepository + imageTag, of a version with tracing that this release's kubeadm can start. */
function checkKindEtcdImage(image: string, engine: string, release: EngineRelease | undefined, problems: string[]) {
    const fail = (what: string) => problems.push(`kubetracing:kindEtcdImage = ${quote(image)}: ${what}`);
    if (engine !== "kind") return fail("only used with engine kind (k3s embeds its etcd); leave it empty");
    const ref = parseImageReference(image);
    if (!ref) return fail(`not a valid image reference; accepted ${IMAGE_REFERENCE_FORMAT}`);
    const version = etcdImageVersion(image);
    if (ref.digest || !version || !/(^|\/)etcd$/.test(ref.path)) {
        return fail("expected an etcd image whose tag is its version, e.g. registry.k8s.io/etcd:3.5.12-0 (kubeadm takes a repository and a tag, no digest)");
    }
    if (!semver.satisfies(version, KIND_ETCD_VERSIONS)) {
        return fail(`etcd ${version} is outside ${KIND_ETCD_VERSIONS}: 3.4 and older have no tracing, and newer flag names are unknown to this stack`);
    }
    const floor = release && kubeadmEtcdFloor(release);
    if (floor && semver.lt(version, floor.etcd)) {
        fail(`etcd ${version} cannot start under kubeadm ${release.kubernetes}: ${floor.why}; accepted etcd ${floor.etcd} up to 3.7.x`);
    }
}

/** Loopback addresses publish only to this machine; anything else reaches the network. */
const isLoopback = (ipv4: string) => ipv4.startsWith("127.");

const isEngine = (value: string): value is Engine => ENGINES.some((engine) => engine === value);
const isComponent = (value: unknown): value is TracedComponent => COMPONENTS.some((component) => component === value);
const isTraceTarget = (value: string): value is ControlPlaneTraceTarget => TRACE_TARGETS.some((target) => target === value);

/**
 * Applies the table's defaults to `rawConfig` and validates everything. Throws ConfigError listing
 * every problem (key, value, what is accepted). Unknown keys in our namespace are errors too: a typo
 * would otherwise silently fall back to a default.
 */
export function parseSettings(rawConfig: Record<string, unknown>, options: ParseOptions = {}): StackSettings {
    const problems: string[] = [];
    const notes: string[] = [];
    const raw = ourKeys(rawConfig, problems, notes);
    for (const key of raw.keys()) {
        if (!isSettingKey(key)) problems.push(`kubetracing:${key} is not a setting of this stack; known settings: ${Object.keys(SETTINGS).join(", ")}`);
    }
    // Checks across keys would read a default in place of a value of the wrong type, or miss an
    // unknown key's intended value: with either, they are not made (their problems could be false).
    const problemsBeforeReading = problems.length;
    let unreadable = false;
    /** The given value in the setting's type, or its default; a value of the wrong type or failing the check is a problem. */
    const read = <T>(key: SettingKey, setting: Setting<T>): T => {
        const given = raw.get(key);
        if (given === undefined) return setting.default;
        const shown = (v: unknown) => (setting.mayHoldSecrets ? "(not shown: it may hold secrets)" : quote(v));
        const value = setting.read(given);
        if (value === undefined) {
            problems.push(`kubetracing:${key} = ${shown(given)}: ${setting.expected}`);
            unreadable = true;
            return setting.default;
        }
        const refused = setting.check?.(value);
        // The value as read ("5000000" given as text is the number 5000000).
        if (refused) problems.push(`kubetracing:${key} = ${shown(value)}: ${refused}`);
        return value;
    };

    const engine = read("engine", SETTINGS.engine);
    const kubernetesVersion = read("kubernetesVersion", SETTINGS.kubernetesVersion);
    const workers = read("workers", SETTINGS.workers);
    const components = read("tracedComponents", SETTINGS.tracedComponents);
    const globalRate = read("samplingRatePerMillion", SETTINGS.samplingRatePerMillion);
    const ownRates: Record<TracedComponent, number> = {
        etcd: read("etcdSamplingRatePerMillion", SETTINGS.etcdSamplingRatePerMillion),
        apiserver: read("apiserverSamplingRatePerMillion", SETTINGS.apiserverSamplingRatePerMillion),
        kubelet: read("kubeletSamplingRatePerMillion", SETTINGS.kubeletSamplingRatePerMillion),
        containerd: read("containerdSamplingRatePerMillion", SETTINGS.containerdSamplingRatePerMillion),
    };
    const hostBindAddress = read("hostBindAddress", SETTINGS.hostBindAddress);
    const hostPorts: HostPorts = {
        jaegerUi: read("jaegerUiPort", SETTINGS.jaegerUiPort),
        otlpGrpc: read("otlpGrpcPort", SETTINGS.otlpGrpcPort),
        otlpHttp: read("otlpHttpPort", SETTINGS.otlpHttpPort),
    };
    const jaegerImage = read("jaegerImage", SETTINGS.jaegerImage);
    const collectorImage = read("collectorImage", SETTINGS.collectorImage);
    const nodeImage = read("nodeImage", SETTINGS.nodeImage);
    const agentImage = read("agentImage", SETTINGS.agentImage);
    const kindEtcdImage = read("kindEtcdImage", SETTINGS.kindEtcdImage);
    const jaegerMaxTraces = read("jaegerMaxTraces", SETTINGS.jaegerMaxTraces);
    const collectorMemoryLimitMiB = read("collectorMemoryLimitMiB", SETTINGS.collectorMemoryLimitMiB);
    const inClusterCollector = read("inClusterCollector", SETTINGS.inClusterCollector);
    const target = read("controlPlaneTraceTarget", SETTINGS.controlPlaneTraceTarget);
    const exporterList = read("exporters", SETTINGS.exporters);
    const localJaeger = read("localJaeger", SETTINGS.localJaeger);

    if (unreadable || problemsBeforeReading > 0) throw new ConfigError(problems);

    // Checks across keys.
    let release: EngineRelease | undefined;
    const requestedVersion = kubernetesVersion.replace(/^v/, "");
    if (isEngine(engine) && !/\s/.test(requestedVersion)) {
        release = findRelease(engine, requestedVersion);
        if (!release) {
            // YAML reads an unquoted 1.30 as the number 1.3.
            const hint = /^1\.\d$/.test(requestedVersion) ? ` (write it quoted, e.g. "${requestedVersion}0": unquoted YAML drops the trailing zero)` : "";
            problems.push(
                `kubetracing:kubernetesVersion = ${quote(kubernetesVersion)}: not in the pinned ${engine} table; ` + supportedVersionsText(engine) + hint,
            );
        }
    }

    const tracedComponents: TracedComponent[] = [];
    for (const c of components) {
        if (!isComponent(c)) problems.push(`kubetracing:tracedComponents contains ${quote(c)}: accepted ${COMPONENTS.join(", ")}`);
        else if (tracedComponents.includes(c)) problems.push(`kubetracing:tracedComponents lists ${quote(c)} twice`);
        else tracedComponents.push(c);
    }
    if (components.length === 0) {
        problems.push(`kubetracing:tracedComponents = []: list at least one of ${COMPONENTS.join(", ")} (an empty list traces nothing)`);
    }

    const samplingRatePerMillion: Record<TracedComponent, number> = {
        etcd: ownRates.etcd === -1 ? globalRate : ownRates.etcd,
        apiserver: ownRates.apiserver === -1 ? globalRate : ownRates.apiserver,
        kubelet: ownRates.kubelet === -1 ? globalRate : ownRates.kubelet,
        containerd: ownRates.containerd === -1 ? globalRate : ownRates.containerd,
    };

    if (isIPv4(hostBindAddress) && !isLoopback(hostBindAddress)) {
        notes.push(
            `kubetracing:hostBindAddress = ${hostBindAddress}: the Jaeger UI, the OTLP receivers and the Kubernetes API are published beyond this machine, ` +
                `and Jaeger and the Collector have no authentication; use 127.0.0.1 unless others must reach them`,
        );
    }

    const portKeys: Record<keyof HostPorts, SettingKey> = { jaegerUi: "jaegerUiPort", otlpGrpc: "otlpGrpcPort", otlpHttp: "otlpHttpPort" };
    const seen = new Map<number, string>();
    for (const name of ["jaegerUi", "otlpGrpc", "otlpHttp"] as const) {
        const port = hostPorts[name];
        if (port !== 0 && seen.has(port)) {
            problems.push(`kubetracing:${portKeys[name]} = ${port} clashes with kubetracing:${seen.get(port)}; give each a different port, or 0`);
        }
        seen.set(port, portKeys[name]);
    }

    if (kindEtcdImage !== "") checkKindEtcdImage(kindEtcdImage, engine, release, problems);
    if (agentImage !== "" && !inClusterCollector) {
        notes.push(`kubetracing:agentImage is set but kubetracing:inClusterCollector is false, so no node agent runs and the image is not used`);
    }

    const controlPlaneTraceTarget = isTraceTarget(target) ? target : "backend";
    if (controlPlaneTraceTarget === "node-agent" && !inClusterCollector) {
        problems.push(`kubetracing:controlPlaneTraceTarget = "node-agent" needs kubetracing:inClusterCollector = true (there is no node agent otherwise)`);
    }

    const exportersSecret = (options.secretKeys ?? []).some((k) => k === "exporters" || k === `${CONFIG_NAMESPACE}:exporters`);
    const exporters = parseExporters(exporterList, exportersSecret, problems, notes);
    if (!localJaeger && exporterList.length === 0) {
        problems.push(`kubetracing:localJaeger = false with no kubetracing:exporters: the spans would go nowhere; add an exporter or keep the local Jaeger`);
    }
    if (exporters.length && !collectorFacts(collectorImage || PINNED_IMAGES.collector).teamExporters) {
        problems.push(
            `kubetracing:exporters need a Collector 0.140.0 or newer (their sending_queue settings); kubetracing:collectorImage = ${quote(collectorImage)}`,
        );
    }

    if (problems.length || !release || !isEngine(engine)) throw new ConfigError(problems);
    return {
        engine,
        release,
        workers,
        tracedComponents,
        samplingRatePerMillion,
        hostBindAddress,
        hostPorts,
        jaegerImage,
        collectorImage,
        nodeImage: nodeImage || release.image,
        agentImage: agentImage || PINNED_IMAGES.collectorContrib,
        kindEtcdImage,
        jaegerMaxTraces,
        collectorMemoryLimitMiB,
        inClusterCollector,
        controlPlaneTraceTarget,
        exporters,
        localJaeger,
        notes,
    };
}

export function isTraced(settings: Pick<StackSettings, "tracedComponents">, component: TracedComponent): boolean {
    return settings.tracedComponents.includes(component);
}
