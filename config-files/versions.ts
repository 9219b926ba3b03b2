// The one version table. Every version-dependent fact the renderers need is answered here, from
// the pinned releases (releases.json: image, bundled etcd and containerd) and the upstream rules
// below (sources: ../shared/reference/tracing-matrix.md). Renderers ask these functions; they never
// compare version strings themselves.
import releaseData from "./releases.json";

export const ENGINES = ["k3d", "kind"] as const;
export type EngineName = (typeof ENGINES)[number];

export interface EngineRelease {
    engine: EngineName;
    /** Exact Kubernetes version of the node image, e.g. "1.33.7". */
    kubernetes: string;
    /** "1.33" */
    kubernetesMinor: string;
    /** Pinned node image: rancher/k3s:<tag> (k3s publishes no digests we could verify) or kindest/node:<tag>@sha256:… */
    image: string;
    /** k3s release (v1.33.7+k3s3) or the kind release that published the node image (v0.32.0). */
    engineRelease: string;
    /** etcd version: exact for k3s (embedded); for kind, the lowest kubeadm ships for that patch. */
    etcd: string;
    containerd: string;
}

type Version = [number, number, number];

function parseVersion(text: string): Version | undefined {
    const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
    return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function mustParse(text: string): Version {
    const v = parseVersion(text);
    if (!v) throw new Error(`not a version: ${text}`);
    return v;
}

function compare(a: Version, b: Version): number {
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

const atLeast = (version: string, floor: string) => compare(mustParse(version), mustParse(floor)) >= 0;

const minorOf = (version: string) => mustParse(version).slice(0, 2).join(".");

const RELEASES: EngineRelease[] = [
    ...releaseData.k3d.map((r) => ({
        engine: "k3d" as const,
        kubernetes: r.kubernetes,
        kubernetesMinor: minorOf(r.kubernetes),
        image: r.image,
        engineRelease: r.k3s,
        etcd: r.etcd,
        containerd: r.containerd,
    })),
    ...releaseData.kind.map((r) => ({
        engine: "kind" as const,
        kubernetes: r.kubernetes,
        kubernetesMinor: minorOf(r.kubernetes),
        image: r.image,
        engineRelease: r.kindRelease,
        etcd: r.etcd,
        containerd: r.containerd,
    })),
];

export function releasesOf(engine: EngineName): EngineRelease[] {
    return RELEASES.filter((r) => r.engine === engine);
}

/** Newest first: by Kubernetes version, then by engine release (a later kind release rebuilt the same patch with fixes). */
function newestFirst(a: EngineRelease, b: EngineRelease): number {
    return compare(mustParse(b.kubernetes), mustParse(a.kubernetes)) || compare(mustParse(b.engineRelease), mustParse(a.engineRelease)) || b.engineRelease.localeCompare(a.engineRelease);
}

/**
 * "1.33" → the newest pinned patch of that minor; "1.29.2" → that exact patch; "v1.33.7+k3s1" →
 * that exact k3s release. Undefined when the table has no such release.
 */
export function findRelease(engine: EngineName, requested: string): EngineRelease | undefined {
    const wanted = requested.trim().replace(/^v/, "");
    const candidates = releasesOf(engine).sort(newestFirst);
    if (/^\d+\.\d+$/.test(wanted)) return candidates.find((r) => r.kubernetesMinor === wanted);
    if (/^\d+\.\d+\.\d+$/.test(wanted)) return candidates.find((r) => r.kubernetes === wanted);
    return candidates.find((r) => r.engineRelease.replace(/^v/, "") === wanted);
}

export function supportedMinors(engine: EngineName): string[] {
    const minors = new Set(releasesOf(engine).map((r) => r.kubernetesMinor));
    return [...minors].sort((a, b) => compare(mustParse(a), mustParse(b)));
}

export function supportedVersionsText(engine: EngineName): string {
    const minors = supportedMinors(engine);
    const patches = releasesOf(engine)
        .map((r) => r.kubernetes)
        .filter((v, i, all) => all.indexOf(v) === i)
        .sort((a, b) => compare(mustParse(a), mustParse(b)));
    return `accepted minors ${minors.join(", ")}, or one of the pinned patches ${patches.join(", ")}`;
}

// ---------------------------------------------------------------------------------------------
// Rules: what each component needs, by version.

export interface EtcdTracingFlags {
    enable: string;
    address: string;
    serviceName: string;
    instanceId: string;
    samplingRate: string;
}

export interface TracingFacts {
    /** apiVersion of the kube-apiserver TracingConfiguration file. */
    apiserverTracingApiVersion: string;
    kubeletConfigApiVersion: string;
    /** Feature gates tracing needs on this version; empty once the gates are beta (on) or GA (locked on). */
    apiserverFeatureGates: Record<string, boolean>;
    kubeletFeatureGates: Record<string, boolean>;
    etcd: {
        version: string;
        flags: EtcdTracingFlags;
        /** etcd below 3.5.11 has no sampling-rate flag: spans come only under a sampled apiserver parent. */
        samplingFlagSupported: boolean;
    };
    containerd: {
        version: string;
        /** containerd 1.6.0–1.6.31 and 1.7.0–1.7.15 read tracing from TOML; later ones only from OTEL_* env. */
        readsTomlTracing: boolean;
    };
    /** kind only: the kubeadm API kind generates, which decides the shape of extraArgs in patches. */
    kubeadmApiVersion: "kubeadm.k8s.io/v1beta3" | "kubeadm.k8s.io/v1beta4";
}

function apiserverTracingApiVersion(kubernetes: string): string {
    if (atLeast(kubernetes, "1.34.0")) return "apiserver.config.k8s.io/v1";
    if (atLeast(kubernetes, "1.27.0")) return "apiserver.config.k8s.io/v1beta1";
    return "apiserver.config.k8s.io/v1alpha1";
}

/** Alpha gates are off by default and must be turned on; from beta they are on, and from GA (1.34) locked. */
function tracingGate(kubernetes: string, gate: string): Record<string, boolean> {
    return atLeast(kubernetes, "1.27.0") ? {} : { [gate]: true };
}

function etcdFlags(etcd: string): EtcdTracingFlags {
    // 3.5 knows only the experimental names; 3.6 accepts both (old ones deprecated); 3.7 only the new.
    const prefix = atLeast(etcd, "3.6.0") ? "" : "experimental-";
    return {
        enable: `${prefix}enable-distributed-tracing`,
        address: `${prefix}distributed-tracing-address`,
        serviceName: `${prefix}distributed-tracing-service-name`,
        instanceId: `${prefix}distributed-tracing-instance-id`,
        samplingRate: `${prefix}distributed-tracing-sampling-rate`,
    };
}

function containerdReadsToml(containerd: string): boolean {
    const v = mustParse(containerd);
    if (v[0] === 1 && v[1] === 6) return v[2] <= 31;
    if (v[0] === 1 && v[1] === 7) return v[2] <= 15;
    return false;
}

/** The version of an etcd image from its tag: registry.k8s.io/etcd:3.5.12-0 → 3.5.12. */
export function etcdImageVersion(image: string): string | undefined {
    const m = /^[^@\s]+\/etcd:v?(\d+\.\d+\.\d+)(?:-\d+)?$/.exec(image.trim());
    return m ? m[1] : undefined;
}

/** @param etcdOverride kind only: an etcd image that replaces kubeadm's, whose version then rules the flags. */
export function tracingFacts(release: EngineRelease, etcdOverride = ""): TracingFacts {
    const etcd = (etcdOverride && etcdImageVersion(etcdOverride)) || release.etcd;
    // kind v0.32+ generates kubeadm v1beta4 for Kubernetes 1.36+; earlier kind always v1beta3.
    const kubeadmV1beta4 = release.engine === "kind" && atLeast(release.kubernetes, "1.36.0") && atLeast(release.engineRelease, "0.32.0");
    return {
        apiserverTracingApiVersion: apiserverTracingApiVersion(release.kubernetes),
        kubeletConfigApiVersion: "kubelet.config.k8s.io/v1beta1",
        apiserverFeatureGates: tracingGate(release.kubernetes, "APIServerTracing"),
        kubeletFeatureGates: tracingGate(release.kubernetes, "KubeletTracing"),
        etcd: { version: etcd, flags: etcdFlags(etcd), samplingFlagSupported: atLeast(etcd, "3.5.11") },
        containerd: { version: release.containerd, readsTomlTracing: containerdReadsToml(release.containerd) },
        kubeadmApiVersion: kubeadmV1beta4 ? "kubeadm.k8s.io/v1beta4" : "kubeadm.k8s.io/v1beta3",
    };
}

/** Oldest engine CLI that can run this release's files (k3d `files:` needs 5.7; a kind node image needs the kind that built it). */
export function minimumEngineCli(release: EngineRelease): string {
    return release.engine === "k3d" ? "5.7.0" : release.engineRelease.replace(/^v/, "");
}

// ---------------------------------------------------------------------------------------------
// Backend images. Pinned exact versions; Jaeger with the digest upstream's own compose files pin.

export const PINNED_IMAGES = {
    /** Jaeger v2 2.19.0, pinned by digest (jaegertracing/jaeger docker-compose files). */
    jaeger: "cr.jaegertracing.io/jaegertracing/jaeger:2.19.0@sha256:ede4864215be4cd85bd8c3129a2fea6c5713c5653c7282c429dba123014bc68b",
    /** Collector core: otlp receiver, batch, memory_limiter, otlp exporter, health_check. */
    collector: "otel/opentelemetry-collector:0.159.0",
    /** Contrib for the in-cluster agent: k8sattributes needs it. */
    collectorContrib: "otel/opentelemetry-collector-contrib:0.159.0",
} as const;

export interface CollectorFacts {
    /** The OTLP/gRPC exporter was renamed otlp → otlp_grpc in 0.144.0 (old name deprecated). */
    otlpGrpcExporter: "otlp_grpc" | "otlp";
    /** contrib's k8sattributes processor was renamed k8s_attributes in 0.146.0 (old name deprecated). */
    k8sAttributesProcessor: "k8s_attributes" | "k8sattributes";
}

/** Facts about a Collector image; an override whose tag is not a version is taken to be current. */
export function collectorFacts(image: string): CollectorFacts {
    const tag = /:(v?\d+\.\d+\.\d+)(?:@|$)/.exec(image)?.[1];
    const before = (version: string) => tag !== undefined && !atLeast(tag, version);
    return {
        otlpGrpcExporter: before("0.144.0") ? "otlp" : "otlp_grpc",
        k8sAttributesProcessor: before("0.146.0") ? "k8sattributes" : "k8s_attributes",
    };
}
