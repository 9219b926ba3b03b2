import {
    findRelease,
    releasesOf,
    supportedMinors,
    supportedVersionsText,
    tracingFacts,
    collectorFacts,
    etcdImageVersion,
    minimumEngineCli,
    newestFirst,
    EngineRelease,
    ENGINES,
} from "../versions/versions";
import { parseSettings } from "../settings/settings";
import { renderStack } from "../config-files/render-stack";
import { stackNames } from "../stack/names";

// Expected values written from the upstream sources named in versions/versions.ts and the release
// notes behind tests/fixtures/known-images.json, not from the code;
// otlp (containerd has its OTLP span processor) from k3s-io/k3s and kind sources (versions/versions.ts).
describe("version table: facts per engine release", () => {
    it.each`
        engine    | version     | release            | etcd        | containerd  | apiVersion                           | etcdPrefix         | sampling | toml     | kubeadm                     | otlp
        ${"k3d"}  | ${"1.29.0"} | ${"v1.29.0+k3s1"}  | ${"3.5.9"}  | ${"1.7.11"} | ${"apiserver.config.k8s.io/v1beta1"} | ${"experimental-"} | ${false} | ${true}  | ${"kubeadm.k8s.io/v1beta3"} | ${false}
        ${"k3d"}  | ${"1.29.5"} | ${"v1.29.5+k3s1"}  | ${"3.5.9"}  | ${"1.7.15"} | ${"apiserver.config.k8s.io/v1beta1"} | ${"experimental-"} | ${false} | ${true}  | ${"kubeadm.k8s.io/v1beta3"} | ${false}
        ${"k3d"}  | ${"1.29.6"} | ${"v1.29.6+k3s2"}  | ${"3.5.13"} | ${"1.7.17"} | ${"apiserver.config.k8s.io/v1beta1"} | ${"experimental-"} | ${true}  | ${false} | ${"kubeadm.k8s.io/v1beta3"} | ${false}
        ${"k3d"}  | ${"1.30"}   | ${"v1.30.14+k3s2"} | ${"3.5.21"} | ${"1.7.27"} | ${"apiserver.config.k8s.io/v1beta1"} | ${"experimental-"} | ${true}  | ${false} | ${"kubeadm.k8s.io/v1beta3"} | ${false}
        ${"k3d"}  | ${"1.30.1"} | ${"v1.30.1+k3s1"}  | ${"3.5.9"}  | ${"1.7.15"} | ${"apiserver.config.k8s.io/v1beta1"} | ${"experimental-"} | ${false} | ${true}  | ${"kubeadm.k8s.io/v1beta3"} | ${false}
        ${"k3d"}  | ${"1.31"}   | ${"v1.31.14+k3s1"} | ${"3.5.21"} | ${"2.1.5"}  | ${"apiserver.config.k8s.io/v1beta1"} | ${"experimental-"} | ${true}  | ${false} | ${"kubeadm.k8s.io/v1beta3"} | ${false}
        ${"k3d"}  | ${"1.33"}   | ${"v1.33.7+k3s3"}  | ${"3.5.26"} | ${"2.1.5"}  | ${"apiserver.config.k8s.io/v1beta1"} | ${"experimental-"} | ${true}  | ${false} | ${"kubeadm.k8s.io/v1beta3"} | ${false}
        ${"k3d"}  | ${"1.34"}   | ${"v1.34.9+k3s1"}  | ${"3.6.12"} | ${"2.2.5"}  | ${"apiserver.config.k8s.io/v1"}      | ${""}              | ${true}  | ${false} | ${"kubeadm.k8s.io/v1beta3"} | ${false}
        ${"k3d"}  | ${"1.37"}   | ${"v1.37.1+k3s1"}  | ${"3.7.1"}  | ${"2.3.4"}  | ${"apiserver.config.k8s.io/v1"}      | ${""}              | ${true}  | ${false} | ${"kubeadm.k8s.io/v1beta3"} | ${false}
        ${"kind"} | ${"1.29.2"} | ${"v0.22.0"}       | ${"3.5.10"} | ${"1.7.13"} | ${"apiserver.config.k8s.io/v1beta1"} | ${"experimental-"} | ${false} | ${true}  | ${"kubeadm.k8s.io/v1beta3"} | ${true}
        ${"kind"} | ${"1.29.4"} | ${"v0.23.0"}       | ${"3.5.12"} | ${"1.7.15"} | ${"apiserver.config.k8s.io/v1beta1"} | ${"experimental-"} | ${true}  | ${true}  | ${"kubeadm.k8s.io/v1beta3"} | ${true}
        ${"kind"} | ${"1.29.8"} | ${"v0.24.0"}       | ${"3.5.12"} | ${"1.7.18"} | ${"apiserver.config.k8s.io/v1beta1"} | ${"experimental-"} | ${true}  | ${false} | ${"kubeadm.k8s.io/v1beta3"} | ${true}
        ${"kind"} | ${"1.29"}   | ${"v0.27.0"}       | ${"3.5.12"} | ${"2.0.2"}  | ${"apiserver.config.k8s.io/v1beta1"} | ${"experimental-"} | ${true}  | ${false} | ${"kubeadm.k8s.io/v1beta3"} | ${true}
        ${"kind"} | ${"1.33.1"} | ${"v0.29.0"}       | ${"3.5.15"} | ${"2.1.1"}  | ${"apiserver.config.k8s.io/v1beta1"} | ${"experimental-"} | ${true}  | ${false} | ${"kubeadm.k8s.io/v1beta3"} | ${true}
        ${"kind"} | ${"1.34"}   | ${"v0.33.0"}       | ${"3.6.4"}  | ${"2.3.4"}  | ${"apiserver.config.k8s.io/v1"}      | ${""}              | ${true}  | ${false} | ${"kubeadm.k8s.io/v1beta3"} | ${true}
        ${"kind"} | ${"1.35.0"} | ${"v0.31.0"}       | ${"3.6.4"}  | ${"2.2.0"}  | ${"apiserver.config.k8s.io/v1"}      | ${""}              | ${true}  | ${false} | ${"kubeadm.k8s.io/v1beta3"} | ${true}
        ${"kind"} | ${"1.36.1"} | ${"v0.32.0"}       | ${"3.6.4"}  | ${"2.3.1"}  | ${"apiserver.config.k8s.io/v1"}      | ${""}              | ${true}  | ${false} | ${"kubeadm.k8s.io/v1beta4"} | ${true}
        ${"kind"} | ${"1.37"}   | ${"v0.33.0"}       | ${"3.7.0"}  | ${"2.3.4"}  | ${"apiserver.config.k8s.io/v1"}      | ${""}              | ${true}  | ${false} | ${"kubeadm.k8s.io/v1beta4"} | ${true}
    `(
        "$engine $version → $release: etcd $etcd, containerd $containerd",
        ({ engine, version, release, etcd, containerd, apiVersion, etcdPrefix, sampling, toml, kubeadm, otlp }) => {
            const r = findRelease(engine, version)!;
            expect(r.engineRelease).toBe(release);
            const facts = tracingFacts(r);
            expect(facts.etcd.version).toBe(etcd);
            expect(facts.containerd.version).toBe(containerd);
            expect(facts.apiserverTracingApiVersion).toBe(apiVersion);
            expect(facts.etcd.flags.address).toBe(`${etcdPrefix}distributed-tracing-address`);
            expect(facts.etcd.flags.enable).toBe(`${etcdPrefix}enable-distributed-tracing`);
            expect(facts.etcd.samplingFlagSupported).toBe(sampling);
            expect(facts.containerd.readsTomlTracing).toBe(toml);
            // k3s's embedded containerd has no OTLP span processor (k3s pkg/containerd/builtins*.go); kind's is upstream's.
            expect(facts.containerd.otlpProcessor).toBe(otlp);
            expect(facts.containerd.withoutOtlpProcessor === undefined).toBe(otlp);
            if (engine === "kind") expect(facts.kubeadmApiVersion).toBe(kubeadm);
        },
    );

    // The README's "default per minor" table.
    it.each`
        minor     | k3d                | kind
        ${"1.29"} | ${"v1.29.15+k3s1"} | ${"v0.27.0"}
        ${"1.30"} | ${"v1.30.14+k3s2"} | ${"v0.29.0"}
        ${"1.31"} | ${"v1.31.14+k3s1"} | ${"v0.31.0"}
        ${"1.32"} | ${"v1.32.11+k3s3"} | ${"v0.31.0"}
        ${"1.33"} | ${"v1.33.7+k3s3"}  | ${"v0.32.0"}
        ${"1.34"} | ${"v1.34.9+k3s1"}  | ${"v0.33.0"}
        ${"1.35"} | ${"v1.35.6+k3s1"}  | ${"v0.33.0"}
        ${"1.36"} | ${"v1.36.5+k3s1"}  | ${"v0.33.0"}
        ${"1.37"} | ${"v1.37.1+k3s1"}  | ${"v0.33.0"}
    `("minor $minor defaults to the newest pinned release: k3s $k3d, kind $kind", ({ minor, k3d, kind }) => {
        expect(findRelease("k3d", minor)!.engineRelease).toBe(k3d);
        expect(findRelease("kind", minor)!.engineRelease).toBe(kind);
    });

    it("finds a two-digit patch, a k3s release, and ignores a leading v and surrounding spaces", () => {
        expect(findRelease("k3d", "1.30.14")!.engineRelease).toBe("v1.30.14+k3s2");
        expect(findRelease("k3d", " v1.33 ")!.engineRelease).toBe("v1.33.7+k3s3");
        expect(findRelease("k3d", "v1.29.3+k3s1")!.kubernetes).toBe("1.29.3");
        expect(findRelease("kind", "1.29.10")!.kubernetes).toBe("1.29.10");
    });

    it("orders releases of one patch by engine release, k3s builds by number (semver compares +k3s10 and +k3s9 as text or not at all)", () => {
        const release = (kubernetes: string, engineRelease: string): EngineRelease => ({
            engine: "k3d",
            kubernetes,
            kubernetesMinor: kubernetes.split(".").slice(0, 2).join("."),
            image: `rancher/k3s:${engineRelease.replace("+", "-")}`,
            engineRelease,
            etcd: "3.5.21",
            containerd: "2.1.5",
        });
        const order = (releases: EngineRelease[]) => [...releases].sort(newestFirst).map((r) => r.engineRelease);
        expect(order([release("1.33.7", "v1.33.7+k3s9"), release("1.33.7", "v1.33.7+k3s10"), release("1.33.7", "v1.33.7+k3s2")])).toEqual([
            "v1.33.7+k3s10",
            "v1.33.7+k3s9",
            "v1.33.7+k3s2",
        ]);
        // Kubernetes patch first (1.33.10 is newer than 1.33.9, not older as text would have it), then the engine release.
        expect(order([release("1.33.9", "v1.33.9+k3s1"), release("1.33.10", "v1.33.10+k3s1")])).toEqual(["v1.33.10+k3s1", "v1.33.9+k3s1"]);
        const kind = (engineRelease: string): EngineRelease => ({ ...release("1.35.1", engineRelease), engine: "kind" });
        expect([kind("v0.9.0"), kind("v0.31.0"), kind("v0.10.0")].sort(newestFirst).map((r) => r.engineRelease)).toEqual(["v0.31.0", "v0.10.0", "v0.9.0"]);
        // Two kind images of one patch from one kind release (a rebuilt digest): a tie, no k3s build to read.
        expect(newestFirst(kind("v0.31.0"), { ...kind("v0.31.0"), image: "kindest/node:v1.35.1@sha256:other" })).toBe(0);
    });

    it("lists the accepted minors and every pinned patch once, in version order", () => {
        const text = supportedVersionsText("kind");
        expect(text).toMatch(
            /^accepted minors 1\.29, 1\.30, 1\.31, 1\.32, 1\.33, 1\.34, 1\.35, 1\.36, 1\.37, or one of the pinned patches 1\.29\.1, 1\.29\.2, 1\.29\.4, /,
        );
        const patches = text.split("pinned patches ")[1].split(", ");
        expect(new Set(patches).size).toBe(patches.length);
        expect(patches.slice(-6)).toEqual(["1.35.0", "1.35.5", "1.35.8", "1.36.1", "1.36.4", "1.37.0"]);
        expect(patches).toContain("1.29.10");
        expect(patches.indexOf("1.29.8")).toBeLessThan(patches.indexOf("1.29.10"));
    });

    it("pins every kind node image by digest and every k3s image by exact tag", () => {
        for (const r of releasesOf("kind")) expect(r.image).toMatch(/^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
        for (const r of releasesOf("k3d")) expect(r.image).toMatch(/^rancher\/k3s:v\d+\.\d+\.\d+-k3s\d+$/);
    });

    it("supports Kubernetes 1.29 to 1.37 on both engines", () => {
        const expected = ["1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37"];
        expect(supportedMinors("k3d")).toEqual(expected);
        expect(supportedMinors("kind")).toEqual(expected);
    });

    it("an etcd image override decides the etcd flags on kind", () => {
        const old = findRelease("kind", "1.29.2")!;
        expect(tracingFacts(old).etcd.samplingFlagSupported).toBe(false);
        const fixed = tracingFacts(old, "registry.k8s.io/etcd:3.5.12-0");
        expect(fixed.etcd.version).toBe("3.5.12");
        expect(fixed.etcd.samplingFlagSupported).toBe(true);
        expect(etcdImageVersion("quay.io/coreos/etcd:v3.5.11")).toBe("3.5.11");
        expect(etcdImageVersion(" registry.k8s.io/etcd:3.5.12-10 ")).toBe("3.5.12");
        expect(etcdImageVersion("example.com/etcd:3.10.1")).toBe("3.10.1");
        expect(etcdImageVersion("registry.k8s.io/etcd:3.5.12-0-debug")).toBeUndefined();
        expect(etcdImageVersion("registry.k8s.io/etcd:3.5.12-0x")).toBeUndefined();
        expect(etcdImageVersion("my registry/etcd:3.5.12-0")).toBeUndefined();
    });

    it("says why k3s's containerd cannot trace, and refuses to guess for a k3s older than the evidence", () => {
        const k3s = findRelease("k3d", "1.36")!;
        expect(tracingFacts(k3s).containerd.withoutOtlpProcessor).toMatch(
            /k3s runs containerd inside its own binary .*pkg\/containerd\/builtins.*io\.containerd\.tracing\.processor\.v1\.otlp/,
        );
        // k3s 1.22 to 1.26 ran a standalone containerd built from upstream's cmd/containerd, tracing plugin included.
        const older = { ...k3s, kubernetes: "1.26.3", kubernetesMinor: "1.26", engineRelease: "v1.26.3+k3s1", containerd: "1.6.19" };
        expect(() => tracingFacts(older)).toThrow(/k3s v1\.26\.3\+k3s1: whether its containerd has the OTLP span processor is not settled/);
    });

    it("names the Collector's OTLP gRPC exporter for the Collector version", () => {
        expect(collectorFacts("otel/opentelemetry-collector:0.159.0").otlpGrpcExporter).toBe("otlp_grpc");
        expect(collectorFacts("otel/opentelemetry-collector:0.143.1").otlpGrpcExporter).toBe("otlp");
        expect(collectorFacts("otel/opentelemetry-collector@sha256:" + "a".repeat(64)).otlpGrpcExporter).toBe("otlp_grpc");
    });

    // Every row, not a random sample: a rule broken for one release must fail here.
    it.each([...releasesOf("k3d"), ...releasesOf("kind")].map((r) => [r.engine, r.engineRelease, r] as const))(
        "%s %s follows the upstream rules",
        (_engine, _release, r) => {
            const f = tracingFacts(r);
            const [maj, min, patch] = f.etcd.version.split(".").map(Number);
            expect(f.etcd.flags.samplingRate.startsWith("experimental-")).toBe(maj === 3 && min < 6);
            expect(f.etcd.samplingFlagSupported).toBe(maj > 3 || min > 5 || patch >= 11);
            const [, kmin] = r.kubernetes.split(".").map(Number);
            expect(f.apiserverTracingApiVersion.endsWith(kmin >= 34 ? "/v1" : "/v1beta1")).toBe(true);
            if (r.containerd.startsWith("2.")) expect(f.containerd.readsTomlTracing).toBe(false);
            expect(f.containerd.otlpProcessor).toBe(r.engine === "kind");
            expect(findRelease(r.engine, r.kubernetesMinor)).toBeDefined();
        },
    );
});

// Cutoffs no pinned release sits on exactly: each is tested on both sides with a synthetic release
// or an override, the values from the upstream sources named in versions/versions.ts.
describe("version cutoffs between pinned releases", () => {
    const kind = findRelease("kind", "1.29.2")!;

    it.each`
        etcdImage                          | sampling
        ${"registry.k8s.io/etcd:3.5.10-0"} | ${false}
        ${"registry.k8s.io/etcd:3.5.11-0"} | ${true}
        ${"registry.k8s.io/etcd:3.5.12-0"} | ${true}
    `("etcd $etcdImage has a sampling-rate flag: $sampling (etcd v3.5.11 added it)", ({ etcdImage, sampling }) => {
        expect(tracingFacts(kind, etcdImage).etcd.samplingFlagSupported).toBe(sampling);
    });

    it.each`
        containerd  | toml
        ${"1.6.31"} | ${true}
        ${"1.6.32"} | ${false}
        ${"1.7.15"} | ${true}
        ${"1.7.16"} | ${false}
        ${"1.7.17"} | ${false}
        ${"2.0.0"}  | ${false}
    `("containerd $containerd reads its tracing from TOML: $toml", ({ containerd, toml }) => {
        expect(tracingFacts({ ...kind, containerd }).containerd.readsTomlTracing).toBe(toml);
    });

    it.each`
        tag           | otlpGrpcExporter | otlpHttpExporter | k8sAttributesProcessor | teamExporters
        ${"0.139.0"}  | ${"otlp"}        | ${"otlphttp"}    | ${"k8sattributes"}     | ${false}
        ${"0.140.0"}  | ${"otlp"}        | ${"otlphttp"}    | ${"k8sattributes"}     | ${true}
        ${"0.143.10"} | ${"otlp"}        | ${"otlphttp"}    | ${"k8sattributes"}     | ${true}
        ${"0.144.0"}  | ${"otlp_grpc"}   | ${"otlp_http"}   | ${"k8sattributes"}     | ${true}
        ${"0.145.0"}  | ${"otlp_grpc"}   | ${"otlp_http"}   | ${"k8sattributes"}     | ${true}
        ${"0.146.0"}  | ${"otlp_grpc"}   | ${"otlp_http"}   | ${"k8s_attributes"}    | ${true}
    `("Collector $tag: $otlpGrpcExporter, $otlpHttpExporter, $k8sAttributesProcessor, team exporters $teamExporters", ({ tag, ...expected }) => {
        expect(collectorFacts(`otel/opentelemetry-collector-contrib:${tag}`)).toEqual(expected);
    });

    it("containerd before 1.6 has no tracing to configure, so no TOML either", () => {
        expect(tracingFacts({ ...kind, containerd: "1.5.13" }).containerd.readsTomlTracing).toBe(false);
    });

    it("refuses a version it cannot read instead of guessing", () => {
        expect(() => tracingFacts({ ...kind, containerd: "main" })).toThrow("not a version: main");
    });

    it("settles the containerd span processor of a kind release whatever its age (kind builds upstream's containerd)", () => {
        const old = { ...kind, kubernetes: "1.26.3", kubernetesMinor: "1.26", engineRelease: "v0.18.0", containerd: "1.6.19" };
        expect(tracingFacts(old).containerd.otlpProcessor).toBe(true);
    });

    it("k3d needs its CLI 5.7.0 (the config's files: key), kind the release that built the node image", () => {
        for (const r of releasesOf("k3d")) expect(minimumEngineCli(r)).toBe("5.7.0");
        expect(minimumEngineCli(findRelease("kind", "1.29.2")!)).toBe("0.22.0");
        expect(minimumEngineCli(findRelease("kind", "1.37")!)).toBe("0.33.0");
    });
});

// Kubernetes 1.38 is due on 2026-12-16 (kubernetes/sig-release releases/release-1.38/README.md) and
// removes the KubeletTracing gate (kubernetes/kubernetes#141714); APIServerTracing went in 1.37.
describe("Kubernetes 1.38, before and after its images are pinned", () => {
    it.each(["kind", "k3d"])("%s: 1.38 is refused, naming the pinned minors", (engine) => {
        expect(() => parseSettings({ engine, kubernetesVersion: "1.38" })).toThrow(
            `kubetracing:kubernetesVersion = "1.38": not in the pinned ${engine} table; accepted minors 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36, 1.37, or one of the pinned patches`,
        );
    });

    it("nothing rendered for any pinned release of either engine names a tracing feature gate", () => {
        for (const engine of ENGINES) {
            for (const release of releasesOf(engine)) {
                // A k3s release by its own name (two k3s builds can share a patch); a kind image by its patch.
                const kubernetesVersion = engine === "k3d" ? release.engineRelease : release.kubernetes;
                const rendered = renderStack(parseSettings({ engine, kubernetesVersion }), stackNames("kubetracing", "gates"));
                for (const artifact of rendered.artifacts)
                    expect([release.image, artifact.fileName, /KubeletTracing|APIServerTracing|feature-?[gG]ates/.test(artifact.content)]).toEqual([
                        release.image,
                        artifact.fileName,
                        false,
                    ]);
            }
        }
    });

    it("once its images appear, 1.38 is one row of releases.json: the rules carry it", () => {
        jest.isolateModules(() => {
            // What a kind release for 1.38 would add (kubeadm 1.38.0-beta.0 pins etcd 3.7.1-0; containerd 2.4 reads only env).
            const real = jest.requireActual("../versions/releases.json");
            const row = {
                kubernetes: "1.38.0",
                kindRelease: "v0.34.0",
                image: `kindest/node:v1.38.0@sha256:${"0".repeat(64)}`,
                etcd: "3.7.1",
                containerd: "2.4.2",
                released: "synthetic",
            };
            jest.doMock("../versions/releases.json", () => ({ ...real, kind: [...real.kind, row] }));
            const { parseSettings: parse } = jest.requireActual("../settings/settings") as typeof import("../settings/settings");
            const { renderStack: render } = jest.requireActual("../config-files/render-stack") as typeof import("../config-files/render-stack");
            const settings = parse({ engine: "kind", kubernetesVersion: "1.38" });
            expect(settings.release.image).toBe(row.image);
            const r = render(settings, stackNames("kubetracing", "next"));
            const files = Object.fromEntries(r.artifacts.map((a) => [a.role, a.content]));
            expect(files["apiserver-tracing-config"]).toContain("apiVersion: apiserver.config.k8s.io/v1\n");
            expect(files["cluster-config"]).toContain("name: enable-distributed-tracing\n");
            expect(files["cluster-config"]).toContain("apiVersion: kubeadm.k8s.io/v1beta4\n");
            expect(files["cluster-config-cgroup-v1"]).toContain("failCgroupV1: false");
            expect(Object.keys(files)).not.toContain("containerd-config-patch");
            expect(files["containerd-systemd-dropin"]).toContain("OTEL_EXPORTER_OTLP_ENDPOINT=http://kubetracing-next-collector:4318");
            expect(Object.values(files).some((text) => /KubeletTracing|APIServerTracing/.test(text))).toBe(false);
        });
    });
});
