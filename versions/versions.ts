// The one version table. Every version-dependent fact the renderers need is answered here, from
// the pinned releases (releases.json: image, bundled etcd and containerd) and the upstream rules
// below, read from upstream source: kubernetes/apiserver pkg/apis/apiserver/*/register.go and
// kubernetes/kubelet config/v1beta1/types.go (the tracing config files), etcd-io/etcd
// server/embed/config_tracing.go and server/etcdmain/config.go (flag names; the sampling flag from
// v3.5.11), containerd/containerd pkg/tracing/plugin/otlp.go (TOML until 1.6.31/1.7.15, OTEL_* env
// after). Renderers ask these functions; they never compare version strings themselves.
import * as semver from "semver";
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

/** Versions are compared with semver, which reads "v1.33.7+k3s3" as 1.33.7 and ignores the build ("+k3s3"). */
function mustParse(text: string): semver.SemVer {
    const v = semver.parse(text);
    if (!v) throw new Error(`not a version: ${text}`);
    return v;
}

const atLeast = (version: string, floor: string) => semver.gte(mustParse(version), floor);

const minorOf = (version: string) => `${semver.major(mustParse(version))}.${semver.minor(mustParse(version))}`;

/** k3s's release counter: v1.33.7+k3s3 → 3, which semver leaves out of its order (and compares as text, k3s10 < k3s9). */
function k3sBuild(engineRelease: string): number {
    return Number(/\+k3s(\d+)$/.exec(engineRelease)?.[1] ?? 0);
}

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
export function newestFirst(a: EngineRelease, b: EngineRelease): number {
    return (
        semver.compare(b.kubernetes, a.kubernetes) || semver.compare(b.engineRelease, a.engineRelease) || k3sBuild(b.engineRelease) - k3sBuild(a.engineRelease)
    );
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
    return [...minors].sort((a, b) => semver.compare(`${a}.0`, `${b}.0`));
}

export function supportedVersionsText(engine: EngineName): string {
    const minors = supportedMinors(engine);
    const patches = releasesOf(engine)
        .map((r) => r.kubernetes)
        .filter((v, i, all) => all.indexOf(v) === i)
        .sort(semver.compare);
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
    /** kubelet stops on a cgroup v1 host unless its KubeletConfiguration says failCgroupV1: false (see KUBELET_REFUSES_CGROUP_V1). */
    kubeletRefusesCgroupV1: boolean;
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
        /** Whether this build of containerd has its OTLP span processor at all (see CONTAINERD_OTLP_PROCESSOR). */
        otlpProcessor: boolean;
        /** Why not, when otlpProcessor is false. */
        withoutOtlpProcessor?: string;
    };
    /** kind only: the kubeadm API kind generates, which decides the shape of extraArgs in patches. */
    kubeadmApiVersion: "kubeadm.k8s.io/v1beta3" | "kubeadm.k8s.io/v1beta4";
}

/**
 * v1beta1 from 1.27 and v1 from 1.34 (GA). The table starts at 1.29, so no release needs the
 * v1alpha1 file or the APIServerTracing/KubeletTracing feature gates (beta, on by default, from 1.27).
 */
function apiserverTracingApiVersion(kubernetes: string): string {
    return atLeast(kubernetes, "1.34.0") ? "apiserver.config.k8s.io/v1" : "apiserver.config.k8s.io/v1beta1";
}

/** etcd 3.5 knows only the experimental names (server/etcdmain/config.go, v3.5.x). */
const ETCD_3_5_FLAGS: EtcdTracingFlags = {
    enable: "experimental-enable-distributed-tracing",
    address: "experimental-distributed-tracing-address",
    serviceName: "experimental-distributed-tracing-service-name",
    instanceId: "experimental-distributed-tracing-instance-id",
    samplingRate: "experimental-distributed-tracing-sampling-rate",
};

/** etcd 3.6 accepts both (the experimental ones deprecated); 3.7 only these. */
const ETCD_3_6_FLAGS: EtcdTracingFlags = {
    enable: "enable-distributed-tracing",
    address: "distributed-tracing-address",
    serviceName: "distributed-tracing-service-name",
    instanceId: "distributed-tracing-instance-id",
    samplingRate: "distributed-tracing-sampling-rate",
};

function etcdFlags(etcd: string): EtcdTracingFlags {
    return atLeast(etcd, "3.6.0") ? ETCD_3_6_FLAGS : ETCD_3_5_FLAGS;
}

/** The releases before containerd moved tracing to OTEL_* env (1.6.32 and 1.7.16). */
const CONTAINERD_TOML_TRACING = "1.6.0 - 1.6.31 || 1.7.0 - 1.7.15";

export function containerdReadsToml(containerd: string): boolean {
    return semver.satisfies(mustParse(containerd), CONTAINERD_TOML_TRACING);
}

/**
 * Does the node image's containerd carry containerd's OTLP span processor at all
 * (`io.containerd.tracing.processor.v1.otlp`, with `io.containerd.internal.v1.tracing`)? Without it the
 * OTEL_* env and the TOML tables configure nothing and containerd sends no spans, silently.
 *
 * Upstream registers both plugins in one package (tracing/plugin, v2: pkg/tracing/plugin), imported
 * only by cmd/containerd/builtins/tracing.go (`//go:build !no_tracing`), which only upstream's own
 * cmd/containerd/main.go imports (containerd/containerd v1.7.11, v1.7.20, v1.7.26, v2.0.5, v2.1.5,
 * v2.2.5, v2.3.4: `git grep tracing/plugin`, vendor aside).
 *
 * kind: yes. Its base image builds upstream's cmd/containerd (kubernetes-sigs/kind
 *   images/base/Dockerfile, tags v0.22.0 to v0.32.0 and main at fed26882: `make bin/ctr bin/containerd
 *   bin/containerd-shim-runc-v2` with BUILDTAGS "no_aufs no_zfs no_btrfs no_devmapper", no no_tracing).
 * k3d: no, on every pinned k3s release (v1.29.0+k3s1 to v1.37.1+k3s1, containerd 1.7.11 to 2.3.4).
 *   Since k3s-io/k3s 607cbf0ad6f6 ("Bump containerd to v1.7.0 and move back into multicall binary",
 *   2023-05-02) containerd runs inside the k3s binary: pkg/containerd/main.go calls upstream's
 *   cmd/containerd/command App(), and the plugins are k3s's own imports in pkg/containerd/builtins.go,
 *   builtins_linux.go and builtins_cri.go (build tag ctrd). scripts/build adds only the tags ctrd netcgo
 *   osusergo providerless urfave_cli_no_docs sqlite_omit_load_extension apparmor seccomp (selinux,
 *   static_build), none of which pulls tracing in; nothing else in k3s imports it. Against upstream's
 *   builtins of the same containerd, the tracing plugin is the one Linux plugin k3s leaves out (with
 *   runtime/v1/linux and services/warning on 1.7, server/metrics on 2.3), and `git log -S tracing --
 *   pkg/containerd` over k3s's history finds nothing. Read at these k3s commits (go.mod's containerd):
 *     1.7  06b64449 (release-1.29 at v1.29.3, 1.7.15), 876d54cf (master at v1.30.3, 1.7.20),
 *          5aac2aaf (release-1.29 at v1.29.15+k3s1, 1.7.26)
 *     2.0  162be7f9 (release-1.32 at v1.32.7, 2.0.5)
 *     2.1  c7a1aa60 (release-1.32 at v1.32.11+k3s3, 2.1.5)
 *     2.2  4c18e601 (master at v1.35.4, 2.2.3), 10418521 (release-1.34 at v1.34.9+k3s1, 2.2.5)
 *     2.3  469d009f (master after v1.36.3, 2.3.4)
 *   The k3s-io/containerd fork's patches, as copied for v1.7.25 and v2.0.2 in k3s-vip/containerd
 *   (snapshotters in cmd/containerd/builtins, registry mirror rewrites, no gRPC metrics), leave the
 *   import where it was (not read for the 2.1 to 2.3 forks). The shim's own tracing needs the build
 *   tag shim_tracing, which k3s does not set.
 */
export const CONTAINERD_OTLP_PROCESSOR = { k3d: false, kind: true } as const satisfies Record<EngineName, boolean>;

/** The k3s releases the CONTAINERD_OTLP_PROCESSOR evidence covers; an older k3s ran a standalone upstream containerd. */
export const K3S_CONTAINERD_EVIDENCE_FROM = "1.29.0";

const K3S_WITHOUT_OTLP_PROCESSOR =
    "k3s runs containerd inside its own binary with its own plugin list (pkg/containerd/builtins*.go), " +
    "which leaves out containerd's OTLP span processor (io.containerd.tracing.processor.v1.otlp)";

function containerdOtlpProcessor(release: EngineRelease): Pick<TracingFacts["containerd"], "otlpProcessor" | "withoutOtlpProcessor"> {
    if (release.engine === "k3d" && !atLeast(release.kubernetes, K3S_CONTAINERD_EVIDENCE_FROM)) {
        throw new Error(
            `k3s ${release.engineRelease}: whether its containerd has the OTLP span processor is not settled (CONTAINERD_OTLP_PROCESSOR covers ${K3S_CONTAINERD_EVIDENCE_FROM} on)`,
        );
    }
    const otlpProcessor = CONTAINERD_OTLP_PROCESSOR[release.engine];
    return otlpProcessor ? { otlpProcessor } : { otlpProcessor, withoutOtlpProcessor: K3S_WITHOUT_OTLP_PROCESSOR };
}

/** etcd v3.5.11 added the sampling-rate flag (server/etcdmain/config.go); verify names an older etcd as the cause of missing spans. */
export function etcdHasSamplingFlag(etcd: string): boolean {
    return atLeast(etcd, "3.5.11");
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
        kubeletRefusesCgroupV1: kubeletRefusesCgroupV1(release),
        etcd: { version: etcd, flags: etcdFlags(etcd), samplingFlagSupported: etcdHasSamplingFlag(etcd) },
        containerd: { version: release.containerd, readsTomlTracing: containerdReadsToml(release.containerd), ...containerdOtlpProcessor(release) },
        kubeadmApiVersion: kubeadmV1beta4 ? "kubeadm.k8s.io/v1beta4" : "kubeadm.k8s.io/v1beta3",
    };
}

/**
 * kubeadm 1.36 and later start etcd with `--feature-gates=InitialCorruptCheck=true` whatever its
 * version (k8s.io/kubernetes v1.36.0 and v1.37.1 cmd/kubeadm/app/phases/etcd/local.go
 * getEtcdCommand); 1.34 and 1.35 pass it only to etcd 3.6.0 and later, and the
 * `experimental-initial-corrupt-check` flag to older ones (v1.34.9, v1.35.0, same function). etcd 3.5
 * knows no --feature-gates and exits ("flag provided but not defined: -feature-gates").
 */
const KUBEADM_ETCD_FEATURE_GATES_ALWAYS = "1.36.0";

/** The oldest etcd this kind release's kubeadm can start, with why; undefined when any etcd with tracing (3.5+) starts. */
export function kubeadmEtcdFloor(release: EngineRelease): { etcd: string; why: string } | undefined {
    if (release.engine !== "kind" || !atLeast(release.kubernetes, KUBEADM_ETCD_FEATURE_GATES_ALWAYS)) return undefined;
    return {
        etcd: "3.6.0",
        why: `kubeadm ${minorOf(release.kubernetes)} always passes --feature-gates=InitialCorruptCheck=true to etcd, which etcd 3.5 does not know (it exits: "flag provided but not defined: -feature-gates")`,
    };
}

/**
 * kubelet refuses a cgroup v1 host by default from 1.35: KubeletConfiguration's failCgroupV1
 * defaults to true (k8s.io/kubernetes v1.35.0 and v1.37.1 pkg/kubelet/apis/config/v1beta1/defaults.go;
 * false up to v1.34.9), and validation then stops the kubelet ("kubelet is configured to not run on
 * a host using cgroup v1", pkg/kubelet/apis/config/validation/validation_linux.go). The field
 * exists from 1.31, so setting it false is the kubelet's own opt-out.
 */
const KUBELET_REFUSES_CGROUP_V1 = "1.35.0";

export function kubeletRefusesCgroupV1(release: EngineRelease): boolean {
    return atLeast(release.kubernetes, KUBELET_REFUSES_CGROUP_V1);
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
    /** The OTLP/HTTP exporter was renamed otlphttp → otlp_http in the same release (open-telemetry/opentelemetry-collector#14397). */
    otlpHttpExporter: "otlp_http" | "otlphttp";
    /**
     * The team exporters' sending_queue keys (enabled, sizer: items, queue_size, num_consumers,
     * block_on_overflow) as read in exporterhelper v0.140.0 and v0.159.0 (internal/queuebatch/config.go);
     * older Collectors are not known to take them.
     */
    teamExporters: boolean;
    /** contrib's k8sattributes processor was renamed k8s_attributes in 0.146.0 (old name deprecated). */
    k8sAttributesProcessor: "k8s_attributes" | "k8sattributes";
}

/** Facts about a Collector image; an override whose tag is not a version is taken to be current. */
export function collectorFacts(image: string): CollectorFacts {
    const tag = /:(v?\d+\.\d+\.\d+)(?:@|$)/.exec(image)?.[1];
    const before = (version: string) => tag !== undefined && !atLeast(tag, version);
    return {
        otlpGrpcExporter: before("0.144.0") ? "otlp" : "otlp_grpc",
        otlpHttpExporter: before("0.144.0") ? "otlphttp" : "otlp_http",
        teamExporters: !before("0.140.0"),
        k8sAttributesProcessor: before("0.146.0") ? "k8sattributes" : "k8s_attributes",
    };
}
