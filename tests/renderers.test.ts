import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { parse as parseToml } from "smol-toml";
import { supportedMinors } from "../versions/versions";
import { COMPONENTS, TracedComponent } from "../settings/settings";
import { file, hasRole, renderOf, yamlOf } from "./helpers";

const subsets: TracedComponent[][] = [[...COMPONENTS], ["etcd"], ["apiserver"], ["kubelet"], ["containerd"], ["apiserver", "etcd"]];
const args = (cfg: any): string[] => cfg.options.k3s.extraArgs.map((a: any) => a.arg);
const envVars = (cfg: any): string[] => (cfg.env ?? []).map((e: any) => e.envVar);

describe("k3d config", () => {
    // containerd alone is refused on k3d: k3s's containerd has no span processor (tests/containerd-on-k3s.test.ts).
    const cases = supportedMinors("k3d").flatMap((v) => subsets.filter((c) => c.join() !== "containerd").map((c) => [v, c] as const));
    // The real k3d validates each of these configs against its own schema (tests/real-binaries/engine-configs.test.ts).
    it.each(cases)("k3s %s with %j traced: wired per component", (version, traced) => {
        const r = renderOf({ engine: "k3d", kubernetesVersion: version, tracedComponents: traced, workers: 2 });
        const cfg = yamlOf(r, "cluster-config");
        expect(cfg).toMatchObject({ apiVersion: "k3d.io/v1alpha5", kind: "Simple", servers: 1, agents: 2 });
        expect(cfg.network).toBe("kubetracing-test-net");
        expect(cfg.image).toMatch(/^rancher\/k3s:v1\.\d+\.\d+-k3s\d$/);
        const a = args(cfg);
        expect(a.includes("--cluster-init")).toBe(traced.includes("etcd"));
        expect(a.some((x) => x.startsWith("--etcd-arg="))).toBe(traced.includes("etcd"));
        expect(a.includes("--kube-apiserver-arg=tracing-config-file=/etc/kubetracing/apiserver-tracing.yaml")).toBe(traced.includes("apiserver"));
        expect(a.includes("--kubelet-arg=config=/etc/kubetracing/kubelet-tracing.yaml")).toBe(traced.includes("kubelet"));
        expect(envVars(cfg).includes("CONTAINERD_OTEL_EXPORTER_OTLP_ENDPOINT=http://kubetracing-test-collector:4318")).toBe(traced.includes("containerd"));
        // kubelet and containerd on every node, agents included
        for (const entry of [...cfg.options.k3s.extraArgs.filter((x: any) => x.arg.startsWith("--kubelet-arg")), ...(cfg.env ?? [])]) {
            expect(entry.nodeFilters).toEqual(["server:*", "agent:*"]);
        }
        for (const f of cfg.files ?? []) expect(f.source).toContain("\n"); // k3d embeds only multi-line sources
    });

    it("embeds exactly the rendered apiserver and kubelet files", () => {
        const r = renderOf({ engine: "k3d", kubernetesVersion: "1.33" });
        const cfg = yamlOf(r, "cluster-config");
        const byDest = Object.fromEntries(cfg.files.map((f: any) => [f.destination, f.source]));
        expect(Object.keys(byDest).sort()).toEqual(["/etc/kubetracing/apiserver-tracing.yaml", "/etc/kubetracing/kubelet-tracing.yaml"]);
        expect(parseYaml(byDest["/etc/kubetracing/apiserver-tracing.yaml"])).toEqual({
            apiVersion: "apiserver.config.k8s.io/v1beta1",
            kind: "TracingConfiguration",
            endpoint: "kubetracing-test-collector:4317",
            samplingRatePerMillion: 100000,
        });
        expect(parseYaml(byDest["/etc/kubetracing/kubelet-tracing.yaml"])).toEqual({
            apiVersion: "kubelet.config.k8s.io/v1beta1",
            kind: "KubeletConfiguration",
            tracing: { endpoint: "kubetracing-test-collector:4317", samplingRatePerMillion: 100000 },
        });
    });

    it.each`
        version     | expected
        ${"1.29.0"} | ${["experimental-enable-distributed-tracing=true", "experimental-distributed-tracing-address=kubetracing-test-collector:4317", "experimental-distributed-tracing-service-name=etcd", "experimental-distributed-tracing-instance-id=kubetracing-test-etcd"]}
        ${"1.33"}   | ${["experimental-enable-distributed-tracing=true", "experimental-distributed-tracing-address=kubetracing-test-collector:4317", "experimental-distributed-tracing-service-name=etcd", "experimental-distributed-tracing-instance-id=kubetracing-test-etcd", "experimental-distributed-tracing-sampling-rate=2500"]}
        ${"1.34"}   | ${["enable-distributed-tracing=true", "distributed-tracing-address=kubetracing-test-collector:4317", "distributed-tracing-service-name=etcd", "distributed-tracing-instance-id=kubetracing-test-etcd", "distributed-tracing-sampling-rate=2500"]}
        ${"1.37"}   | ${["enable-distributed-tracing=true", "distributed-tracing-address=kubetracing-test-collector:4317", "distributed-tracing-service-name=etcd", "distributed-tracing-instance-id=kubetracing-test-etcd", "distributed-tracing-sampling-rate=2500"]}
    `("k3s $version: etcd args with the bundled etcd's names", ({ version, expected }) => {
        const r = renderOf({ engine: "k3d", kubernetesVersion: version, etcdSamplingRatePerMillion: 2500 });
        expect(
            args(yamlOf(r, "cluster-config"))
                .filter((a) => a.startsWith("--etcd-arg="))
                .map((a) => a.slice("--etcd-arg=".length)),
        ).toEqual(expected);
    });

    it("tells the user when the etcd cannot take a sampling rate", () => {
        const r = renderOf({ engine: "k3d", kubernetesVersion: "1.29.0" });
        expect(r.notes.join("\n")).toMatch(/etcd 3\.5\.9 has no sampling-rate flag/);
    });

    it.each(["1.29.0", "1.29.5", "1.30.1"])("k3s %s (containerd ≤ 1.7.15): TOML template on top of k3s's base, plus env", (version) => {
        const r = renderOf({ engine: "k3d", kubernetesVersion: version, containerdSamplingRatePerMillion: 1000000 });
        const cfg = yamlOf(r, "cluster-config");
        const tmpl = cfg.files.find((f: any) => f.destination === "/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl");
        // Our header (comments only), then k3s's own base, then our tables.
        const [header, after] = tmpl.source.split('{{ template "base" . }}\n');
        expect(header.split("\n").filter((line: string) => line !== "" && !line.startsWith("#"))).toEqual([]);
        expect(header).toContain("Generated by kubetracing (config-files/containerd.ts) for rancher/k3s:");
        // What containerd reads after k3s's base (containerd v1.7 pkg/tracing/plugin/otlp.go: OTLPConfig, TraceConfig).
        expect(parseToml(after)).toEqual({
            plugins: {
                "io.containerd.tracing.processor.v1.otlp": { endpoint: "http://kubetracing-test-collector:4318", protocol: "http/protobuf", insecure: true },
                "io.containerd.internal.v1.tracing": { sampling_ratio: 1, service_name: "containerd" },
            },
        });
        expect(tmpl.source).toContain("sampling_ratio = 1.0");
        expect(envVars(cfg)).toContain("CONTAINERD_OTEL_EXPORTER_OTLP_ENDPOINT=http://kubetracing-test-collector:4318");
    });

    it.each(["1.29.6", "1.31", "1.34", "1.37"])("k3s %s (containerd reads env only): no template", (version) => {
        const r = renderOf({ engine: "k3d", kubernetesVersion: version });
        expect(hasRole(r, "containerd-config-template")).toBe(false);
        expect(envVars(yamlOf(r, "cluster-config"))).toEqual([
            "CONTAINERD_OTEL_EXPORTER_OTLP_ENDPOINT=http://kubetracing-test-collector:4318",
            "CONTAINERD_OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            "CONTAINERD_OTEL_SERVICE_NAME=containerd",
            "CONTAINERD_OTEL_TRACES_SAMPLER=parentbased_traceidratio",
            "CONTAINERD_OTEL_TRACES_SAMPLER_ARG=0.1",
        ]);
    });

    it("with no workers, filters name servers only", () => {
        const cfg = yamlOf(renderOf({ engine: "k3d", workers: 0 }), "cluster-config");
        expect(JSON.stringify(cfg)).not.toContain("agent:*");
        expect(cfg.agents).toBe(0);
    });
});

describe("kind config", () => {
    const kubeadmPatch = (cfg: any, kind: string) => (cfg.kubeadmConfigPatches ?? []).map((p: string) => parseYaml(p)).find((p: any) => p.kind === kind);
    const argMap = (extraArgs: any) => (Array.isArray(extraArgs) ? Object.fromEntries(extraArgs.map((a: any) => [a.name, a.value])) : extraArgs);

    it.each(supportedMinors("kind").flatMap((v) => subsets.map((c) => [v, c] as const)))("kind %s with %j traced", (version, traced) => {
        const r = renderOf({ engine: "kind", kubernetesVersion: version, tracedComponents: traced, workers: 2 });
        const cfg = yamlOf(r, "cluster-config");
        expect(cfg).toMatchObject({ kind: "Cluster", apiVersion: "kind.x-k8s.io/v1alpha4", name: "kubetracing-test" });
        expect(cfg.nodes.map((n: any) => n.role)).toEqual(["control-plane", "worker", "worker"]);
        for (const n of cfg.nodes) expect(n.image).toMatch(/^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
        const cc = kubeadmPatch(cfg, "ClusterConfiguration");
        const v1beta4 = version === "1.36" || version === "1.37";
        if (cc) expect(cc.apiVersion).toBe(v1beta4 ? "kubeadm.k8s.io/v1beta4" : "kubeadm.k8s.io/v1beta3");
        if (traced.includes("apiserver")) {
            expect(Array.isArray(cc.apiServer.extraArgs)).toBe(v1beta4);
            expect(argMap(cc.apiServer.extraArgs)).toEqual({ "tracing-config-file": "/etc/kubetracing/apiserver-tracing.yaml" });
            expect(cc.apiServer.extraVolumes).toEqual([
                { name: "kubetracing", hostPath: "/etc/kubetracing", mountPath: "/etc/kubetracing", readOnly: true, pathType: "DirectoryOrCreate" },
            ]);
            expect(cfg.nodes[0].extraMounts).toContainEqual({
                hostPath: "./apiserver-tracing.yaml",
                containerPath: "/etc/kubetracing/apiserver-tracing.yaml",
                readOnly: true,
            });
        } else {
            expect(cc?.apiServer).toBeUndefined();
        }
        if (traced.includes("etcd")) {
            expect(Array.isArray(cc.etcd.local.extraArgs)).toBe(v1beta4);
            const etcdArgs = argMap(cc.etcd.local.extraArgs);
            const prefix = ["1.34", "1.35", "1.36", "1.37"].includes(version) ? "" : "experimental-";
            expect(etcdArgs[`${prefix}distributed-tracing-address`]).toBe("kubetracing-test-collector:4317");
            expect(etcdArgs[`${prefix}enable-distributed-tracing`]).toBe("true");
        } else {
            expect(cc?.etcd).toBeUndefined();
        }
        const kubelet = kubeadmPatch(cfg, "KubeletConfiguration");
        expect(kubelet?.tracing).toEqual(
            traced.includes("kubelet") ? { endpoint: "kubetracing-test-collector:4317", samplingRatePerMillion: 100000 } : undefined,
        );
        for (const n of cfg.nodes) {
            const dropIn = (n.extraMounts ?? []).find((m: any) => m.containerPath === "/etc/systemd/system/containerd.service.d/10-kubetracing.conf");
            expect(Boolean(dropIn)).toBe(traced.includes("containerd"));
        }
        expect(cfg.featureGates).toBeUndefined();
    });

    it.each`
        version     | toml     | sampling
        ${"1.29.2"} | ${true}  | ${false}
        ${"1.29.4"} | ${true}  | ${true}
        ${"1.30.0"} | ${true}  | ${true}
        ${"1.29.8"} | ${false} | ${true}
        ${"1.33"}   | ${false} | ${true}
    `("kind $version: containerd TOML patch $toml, etcd sampling flag $sampling", ({ version, toml, sampling }) => {
        const r = renderOf({ engine: "kind", kubernetesVersion: version });
        const cfg = yamlOf(r, "cluster-config");
        expect(Boolean(cfg.containerdConfigPatches)).toBe(toml);
        if (toml) {
            expect(cfg.containerdConfigPatches[0]).toContain('[plugins."io.containerd.tracing.processor.v1.otlp"]');
            expect(cfg.containerdConfigPatches[0]).toContain('endpoint = "http://kubetracing-test-collector:4318"');
        }
        const etcdArgs = kubeadmPatch(cfg, "ClusterConfiguration").etcd.local.extraArgs;
        expect("experimental-distributed-tracing-sampling-rate" in etcdArgs).toBe(sampling);
        // The drop-in is always there: env is the form every containerd here honours.
        expect(file(r, "containerd-systemd-dropin")).toContain('Environment="OTEL_EXPORTER_OTLP_ENDPOINT=http://kubetracing-test-collector:4318"');
    });

    it("kindEtcdImage replaces kubeadm's etcd and unlocks the sampling flag on an old node image", () => {
        const r = renderOf({ engine: "kind", kubernetesVersion: "1.29.2", kindEtcdImage: "registry.k8s.io/etcd:3.5.12-0" });
        const etcd = kubeadmPatch(yamlOf(r, "cluster-config"), "ClusterConfiguration").etcd.local;
        expect(etcd.imageRepository).toBe("registry.k8s.io");
        expect(etcd.imageTag).toBe("3.5.12-0");
        expect(etcd.extraArgs["experimental-distributed-tracing-sampling-rate"]).toBe("100000");
        expect(r.notes.join()).not.toMatch(/no sampling-rate flag/);
    });

    it.each`
        version   | traced
        ${"1.35"} | ${[...COMPONENTS]}
        ${"1.36"} | ${[...COMPONENTS]}
        ${"1.37"} | ${[...COMPONENTS]}
        ${"1.37"} | ${["etcd", "apiserver"]}
    `("kind $version with $traced: a second config for a cgroup v1 host, differing only by failCgroupV1: false", ({ version, traced }) => {
        const r = renderOf({ engine: "kind", kubernetesVersion: version, tracedComponents: traced });
        const v2 = yamlOf(r, "cluster-config");
        const v1 = yamlOf(r, "cluster-config-cgroup-v1");
        expect(r.artifacts.find((a) => a.role === "cluster-config-cgroup-v1")).toMatchObject({ fileName: "kind-config-cgroup-v1.yaml", neededByEngine: true });
        const withoutKubelet = (cfg: any) => ({
            ...cfg,
            kubeadmConfigPatches: cfg.kubeadmConfigPatches?.filter((p: string) => !p.includes("KubeletConfiguration")),
        });
        expect(withoutKubelet(v1)).toEqual(withoutKubelet(v2));
        const kubeletV2 = kubeadmPatch(v2, "KubeletConfiguration");
        expect(kubeadmPatch(v1, "KubeletConfiguration")).toEqual({
            ...(kubeletV2 ?? { apiVersion: "kubelet.config.k8s.io/v1beta1", kind: "KubeletConfiguration" }),
            failCgroupV1: false,
        });
        expect(v1.kubeadmConfigPatches.find((p: string) => p.includes("KubeletConfiguration"))).toMatch(
            /^# failCgroupV1: false because the Docker host runs cgroup v1/,
        );
        expect(kubeletV2?.failCgroupV1).toBeUndefined();
    });

    it.each(["1.29", "1.33", "1.34"])("kind %s (a kubelet that runs on cgroup v1): no second config", (version) => {
        expect(hasRole(renderOf({ engine: "kind", kubernetesVersion: version }), "cluster-config-cgroup-v1")).toBe(false);
    });

    it("nodeImage names every node's image; agentImage the node agent's, in its manifest and file headers", () => {
        const r = renderOf({
            engine: "kind",
            kubernetesVersion: "1.37",
            nodeImage: "kubetracing.local/node:v1.37.1",
            inClusterCollector: true,
            agentImage: "kubetracing.local/otelcol-agent:0.159.0",
        });
        for (const role of ["cluster-config", "cluster-config-cgroup-v1"]) {
            expect(yamlOf(r, role).nodes.map((n: any) => n.image)).toEqual(["kubetracing.local/node:v1.37.1", "kubetracing.local/node:v1.37.1"]);
        }
        expect(file(r, "apiserver-tracing-config")).toMatch(
            /^# Generated by kubetracing \(config-files\/apiserver-tracing\.ts\) for kubetracing\.local\/node:v1\.37\.1\.\n/,
        );
        expect(yamlOf(r, "summary").nodeImage).toBe("kubetracing.local/node:v1.37.1");
        const daemonSet = r.inClusterCollector!.objects.daemonSet as any;
        expect(daemonSet.spec.template.spec.containers.map((c: any) => c.image)).toEqual(["kubetracing.local/otelcol-agent:0.159.0"]);
        expect(file(r, "in-cluster-collector-config")).toMatch(
            /^# Generated by kubetracing \(config-files\/in-cluster-collector\.ts\) for kubetracing\.local\/otelcol-agent:0\.159\.0\.\n/,
        );
        // The tracing facts still come from kubernetesVersion: etcd 3.7's flag names, kubeadm v1beta4.
        expect(kubeadmPatch(yamlOf(r, "cluster-config"), "ClusterConfiguration").apiVersion).toBe("kubeadm.k8s.io/v1beta4");
        const k3d = yamlOf(renderOf({ engine: "k3d", nodeImage: "mirror.example.com/rancher/k3s:v1.34.9-k3s1" }), "cluster-config");
        expect(k3d.image).toBe("mirror.example.com/rancher/k3s:v1.34.9-k3s1");
    });

    it("lists the mounted files as artifacts the engine needs beside its config", () => {
        const r = renderOf({ engine: "kind" });
        expect(
            r.artifacts
                .filter((a) => a.neededByEngine)
                .map((a) => a.fileName)
                .sort(),
        ).toEqual(["apiserver-tracing.yaml", "containerd-otel.conf", "kind-config.yaml"]);
    });
});

describe("backend configs", () => {
    it("Collector: OTLP in on 0.0.0.0, memory_limiter before batch, OTLP/gRPC out to Jaeger", () => {
        const c = yamlOf(renderOf({ collectorMemoryLimitMiB: 256 }), "collector-config");
        expect(c.receivers.otlp.protocols).toEqual({ grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } });
        expect(c.processors.memory_limiter.limit_mib).toBe(256);
        expect(c.service.pipelines.traces).toEqual({ receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["otlp_grpc/jaeger"] });
        expect(c.exporters["otlp_grpc/jaeger"]).toEqual({ endpoint: "kubetracing-test-jaeger:4317", tls: { insecure: true } });
        expect(c.extensions.health_check.endpoint).toBe("0.0.0.0:13133");
        expect(JSON.stringify(c)).not.toMatch(/"logging"|jaeger"?:\s*\{[^}]*thrift/);
    });

    it("Jaeger: bounded in-memory store", () => {
        const j = yamlOf(renderOf({ jaegerMaxTraces: 20000 }), "jaeger-config");
        expect(j.extensions.jaeger_storage.backends.memstore.memory.max_traces).toBe(20000);
        expect(j.extensions.jaeger_query.storage.traces).toBe("memstore");
        expect(j.exporters.jaeger_storage_exporter.trace_storage).toBe("memstore");
    });
});

describe("determinism", () => {
    it("renders byte-identical files twice from the same config", () => {
        const raw = { engine: "kind", kubernetesVersion: "1.36", workers: 3 };
        expect(renderOf(raw)).toEqual(renderOf(raw));
    });

    it("a sampling change shows as a one-line change of the rendered config", () => {
        const before = file(renderOf({ apiserverSamplingRatePerMillion: 100 }), "apiserver-tracing-config").split("\n");
        const after = file(renderOf({ apiserverSamplingRatePerMillion: 200 }), "apiserver-tracing-config").split("\n");
        expect(before.filter((l, i) => l !== after[i])).toEqual(["samplingRatePerMillion: 100"]);
    });
});

describe("generated-file headers", () => {
    // Written out (versions/releases.json and the pinned images): which image reads each file.
    const JAEGER = "cr.jaegertracing.io/jaegertracing/jaeger:2.19.0@sha256:ede4864215be4cd85bd8c3129a2fea6c5713c5653c7282c429dba123014bc68b";
    const CONTRIB = "otel/opentelemetry-collector-contrib:0.159.0";
    const cases: [Record<string, unknown>, { node: string; collector: string }][] = [
        [
            { engine: "k3d", kubernetesVersion: "1.29.0" },
            { node: "rancher/k3s:v1.29.0-k3s1", collector: "otel/opentelemetry-collector:0.159.0" },
        ],
        [
            { engine: "k3d", kubernetesVersion: "1.37", inClusterCollector: true },
            { node: "rancher/k3s:v1.37.1-k3s1", collector: "otel/opentelemetry-collector:0.159.0" },
        ],
        [
            { engine: "kind", kubernetesVersion: "1.29.2" },
            {
                node: "kindest/node:v1.29.2@sha256:51a1434a5397193442f0be2a297b488b6c919ce8a3931be0ce822606ea5ca245",
                collector: "otel/opentelemetry-collector:0.159.0",
            },
        ],
        [
            { engine: "kind", kubernetesVersion: "1.37", inClusterCollector: true, collectorImage: "otel/opentelemetry-collector:0.150.0" },
            {
                node: "kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5",
                collector: "otel/opentelemetry-collector:0.150.0",
            },
        ],
    ];
    it.each(cases)("%j: every file but the etcd flag list starts with the header naming its renderer and the image that reads it", (raw, images) => {
        const r = renderOf(raw);
        const expectedImage = (role: string) =>
            role === "collector-config"
                ? images.collector
                : role === "jaeger-config"
                  ? JAEGER
                  : role.startsWith("in-cluster-collector")
                    ? CONTRIB
                    : images.node;
        for (const artifact of r.artifacts) {
            if (artifact.role === "etcd-args") {
                // One --flag=value a line: a format without comments.
                expect(artifact.content).toMatch(/^--/);
                continue;
            }
            const header =
                /^# Generated by kubetracing \(((?:config-files|engine)\/[a-z0-9-]+\.ts)\) for (\S+)\.\n# Do not edit: `pulumi up` writes it again\.\n/.exec(
                    artifact.content,
                );
            expect([artifact.fileName, header !== null]).toEqual([artifact.fileName, true]);
            expect(fs.existsSync(path.join(__dirname, "..", header![1]))).toBe(true);
            expect([artifact.fileName, header![2]]).toEqual([artifact.fileName, expectedImage(artifact.role)]);
        }
    });

    it("k3d carries to the nodes the very text it renders for review, header included", () => {
        const r = renderOf({ engine: "k3d", kubernetesVersion: "1.29.0" });
        const sources = Object.fromEntries(yamlOf(r, "cluster-config").files.map((f: any) => [f.destination, f.source]));
        expect(sources).toEqual({
            "/etc/kubetracing/apiserver-tracing.yaml": file(r, "apiserver-tracing-config"),
            "/etc/kubetracing/kubelet-tracing.yaml": file(r, "kubelet-config"),
            "/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl": file(r, "containerd-config-template"),
        });
        expect(sources["/etc/kubetracing/apiserver-tracing.yaml"]).toMatch(
            /^# Generated by kubetracing \(config-files\/apiserver-tracing\.ts\) for rancher\/k3s:v1\.29\.0-k3s1\.\n/,
        );
    });

    it("kind carries containerd's patch as the very text of containerd-config-patch.toml", () => {
        const r = renderOf({ engine: "kind", kubernetesVersion: "1.29.2" });
        expect(yamlOf(r, "cluster-config").containerdConfigPatches).toEqual([file(r, "containerd-config-patch")]);
    });
});
