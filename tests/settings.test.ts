import * as fs from "fs";
import * as path from "path";
import * as fc from "fast-check";
import { parse as parseYaml } from "yaml";
import { ConfigError, COMPONENTS, PROVIDER_NAMESPACES, SETTINGS, between, hostPort, ipv4Address, oneOf, pinnedImage } from "../settings/settings";
import { PROJECT_DIR, renderOf, settingsOf } from "./helpers";

function problemsOf(raw: Record<string, unknown>): string[] {
    try {
        settingsOf(raw);
    } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems;
    }
    throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe("stack settings", () => {
    // Written out here, not read from the table: a default changed there by mistake must fail a test.
    it("has the documented defaults in its settings table", () => {
        const defaults = Object.fromEntries(Object.entries(SETTINGS).map(([key, setting]) => [key, setting.default]));
        expect(defaults).toEqual({
            engine: "kind",
            kubernetesVersion: "1.34",
            workers: 1,
            tracedComponents: ["etcd", "apiserver", "kubelet", "containerd"],
            samplingRatePerMillion: 100000,
            etcdSamplingRatePerMillion: -1,
            apiserverSamplingRatePerMillion: -1,
            kubeletSamplingRatePerMillion: -1,
            containerdSamplingRatePerMillion: -1,
            hostBindAddress: "127.0.0.1",
            jaegerUiPort: 0,
            otlpGrpcPort: 0,
            otlpHttpPort: 0,
            jaegerImage: "",
            collectorImage: "",
            nodeImage: "",
            agentImage: "",
            kindEtcdImage: "",
            jaegerMaxTraces: 50000,
            collectorMemoryLimitMiB: 512,
            inClusterCollector: false,
            controlPlaneTraceTarget: "backend",
            exporters: [],
            localJaeger: true,
        });
    });

    it("declares in Pulumi.yaml exactly the table's keys, with its types, defaults and descriptions", () => {
        const project = parseYaml(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { config: Record<string, unknown> };
        const fromTable = Object.fromEntries(
            Object.entries(SETTINGS).map(([key, setting]) => [
                `kubetracing:${key}`,
                {
                    type: setting.type,
                    ...("items" in setting ? { items: { type: setting.items } } : {}),
                    default: setting.default,
                    description: setting.description,
                },
            ]),
        );
        expect(project.config).toEqual(fromTable);
        expect(Object.keys(project.config)).toEqual(Object.keys(fromTable));
    });

    it("applies the table's defaults", () => {
        const s = settingsOf();
        expect(s.engine).toBe("kind");
        expect(s.release.engineRelease).toBe("v0.33.0");
        expect(s.release.kubernetes).toBe("1.34.11");
        expect(s.workers).toBe(1);
        expect(s.tracedComponents).toEqual(["etcd", "apiserver", "kubelet", "containerd"]);
        expect(s.samplingRatePerMillion).toEqual({ etcd: 100000, apiserver: 100000, kubelet: 100000, containerd: 100000 });
        expect(s.hostBindAddress).toBe("127.0.0.1");
        expect(s.hostPorts).toEqual({ jaegerUi: 0, otlpGrpc: 0, otlpHttp: 0 });
        expect([s.jaegerImage, s.collectorImage, s.kindEtcdImage]).toEqual(["", "", ""]);
        // The effective images: the pinned ones, written out.
        expect(s.nodeImage).toBe("kindest/node:v1.34.11@sha256:44e222ee2132dab25ff87301682f89eb82c7880ea3a1bf543bfe9708fd08d67d");
        expect(s.agentImage).toBe("otel/opentelemetry-collector-contrib:0.159.0");
        expect([s.jaegerMaxTraces, s.collectorMemoryLimitMiB]).toEqual([50000, 512]);
        expect([s.inClusterCollector, s.controlPlaneTraceTarget]).toEqual([false, "backend"]);
    });

    it("accepts the bounds themselves", () => {
        const s = settingsOf({ jaegerUiPort: 1024, otlpGrpcPort: 65535, kubeletSamplingRatePerMillion: 0, hostBindAddress: "255.255.255.255" });
        expect(s.hostPorts).toEqual({ jaegerUi: 1024, otlpGrpc: 65535, otlpHttp: 0 });
        expect(s.samplingRatePerMillion.kubelet).toBe(0);
        expect(s.hostBindAddress).toBe("255.255.255.255");
    });

    it("reads values as Pulumi hands them to the program (strings, JSON arrays, namespaced keys)", () => {
        const s = settingsOf({
            "kubetracing:engine": "kind",
            "kubetracing:kubernetesVersion": "1.30",
            "kubetracing:workers": "2",
            "kubetracing:tracedComponents": '["etcd","kubelet"]',
            "kubetracing:samplingRatePerMillion": "1000000",
            "kubetracing:etcdSamplingRatePerMillion": "500",
            "kubetracing:inClusterCollector": "true",
            "aws:region": "ignored: not our namespace",
        });
        expect(s.engine).toBe("kind");
        expect(s.release.kubernetesMinor).toBe("1.30");
        expect(s.workers).toBe(2);
        expect(s.tracedComponents).toEqual(["etcd", "kubelet"]);
        expect(s.samplingRatePerMillion.etcd).toBe(500);
        expect(s.samplingRatePerMillion.kubelet).toBe(1000000);
        expect(s.inClusterCollector).toBe(true);
    });

    it("takes an unquoted YAML number for a string setting as its text, as Pulumi does", () => {
        expect(settingsOf({ kubernetesVersion: 1.33 }).release.kubernetesMinor).toBe("1.33");
    });

    it("resolves a minor to its newest pinned patch and accepts an exact pinned patch", () => {
        expect(settingsOf({ engine: "k3d", kubernetesVersion: "1.33" }).release.engineRelease).toBe("v1.33.7+k3s3");
        expect(settingsOf({ engine: "kind", kubernetesVersion: "1.29.2" }).release.engineRelease).toBe("v0.22.0");
        expect(settingsOf({ engine: "k3d", kubernetesVersion: "v1.29.3+k3s1" }).release.image).toBe("rancher/k3s:v1.29.3-k3s1");
    });

    it.each([
        [{ engine: "minikube" }, /kubetracing:engine = "minikube": accepted k3d or kind/],
        [{ engine: "K3D" }, /kubetracing:engine = "K3D": accepted k3d or kind/],
        [{ kubernetesVersion: "1.24" }, /kubetracing:kubernetesVersion = "1.24": not in the pinned kind table; accepted minors 1\.29, .*1\.37\.\d+$/],
        [{ engine: "kind", kubernetesVersion: "1.29.99" }, /kubernetesVersion = "1.29.99": not in the pinned kind table/],
        [{ kubernetesVersion: "latest" }, /kubernetesVersion = "latest"/],
        [{ kubernetesVersion: 1.3 }, /kubernetesVersion = "1.3": not in the pinned kind table; .* \(write it quoted, e\.g\. "1\.30"/],
        [{ workers: -1 }, /kubetracing:workers = -1: accepted 0 to 10/],
        [{ workers: "two" }, /kubetracing:workers = "two": expected a whole number/],
        [{ workers: 1.5 }, /kubetracing:workers = 1.5: expected a whole number/],
        [{ tracedComponents: ["etcd", "scheduler"] }, /tracedComponents contains "scheduler": accepted etcd, apiserver, kubelet, containerd/],
        [{ tracedComponents: ["etcd", "etcd"] }, /tracedComponents lists "etcd" twice/],
        [{ tracedComponents: "etcd" }, /tracedComponents = "etcd": expected a list/],
        [{ samplingRatePerMillion: 1000001 }, /samplingRatePerMillion = 1000001: accepted 0 to 1000000/],
        [{ samplingRatePerMillion: -5 }, /samplingRatePerMillion = -5: accepted 0 to 1000000/],
        [{ etcdSamplingRatePerMillion: 2000000 }, /etcdSamplingRatePerMillion = 2000000: accepted 0 to 1000000, or -1/],
        [{ etcdSamplingRatePerMillion: -5 }, /etcdSamplingRatePerMillion = -5: accepted 0 to 1000000, or -1/],
        [{ containerdSamplingRatePerMillion: -2 }, /containerdSamplingRatePerMillion = -2: accepted 0 to 1000000, or -1/],
        [{ hostBindAddress: "localhost" }, /hostBindAddress = "localhost": accepted an IPv4 address/],
        [{ hostBindAddress: "999.1.1.1" }, /hostBindAddress = "999.1.1.1": accepted an IPv4 address/],
        [{ hostBindAddress: "127.0.0.256" }, /hostBindAddress = "127.0.0.256": accepted an IPv4 address/],
        [{ hostBindAddress: "127.0.1" }, /hostBindAddress = "127.0.1": accepted an IPv4 address/],
        [{ jaegerUiPort: 70000 }, /jaegerUiPort = 70000: accepted 0 to 65535/],
        [{ jaegerUiPort: 80 }, /jaegerUiPort = 80: ports below 1024 need root/],
        [{ otlpHttpPort: 1023 }, /otlpHttpPort = 1023: ports below 1024 need root/],
        [{ otlpGrpcPort: 4317, otlpHttpPort: 4317 }, /otlpHttpPort = 4317 clashes with kubetracing:otlpGrpcPort/],
        [{ jaegerUiPort: 4318, otlpHttpPort: 4318 }, /otlpHttpPort = 4318 clashes with kubetracing:jaegerUiPort;/],
        [{ jaegerImage: "Jaeger Tracing!" }, /jaegerImage = "Jaeger Tracing!": not a valid image reference; accepted /],
        [{ jaegerImage: "jaegertracing/jaeger:latest" }, /jaegerImage = "jaegertracing\/jaeger:latest": pin an exact version/],
        [{ collectorImage: "otel/opentelemetry-collector" }, /collectorImage = .*: pin an exact version/],
        [{ engine: "k3d", kindEtcdImage: "registry.k8s.io/etcd:3.5.12-0" }, /kindEtcdImage = .*: only used with engine kind/],
        [{ engine: "kind", kindEtcdImage: "registry.k8s.io/pause:3.9" }, /kindEtcdImage = .*: expected an etcd image whose tag is its version/],
        [{ jaegerMaxTraces: 10 }, /jaegerMaxTraces = 10: accepted 1000 to 1000000/],
        [{ collectorMemoryLimitMiB: 16 }, /collectorMemoryLimitMiB = 16: accepted 64 to 8192/],
        [{ inClusterCollector: "yes" }, /inClusterCollector = "yes": expected true or false/],
        [{ controlPlaneTraceTarget: "agent" }, /controlPlaneTraceTarget = "agent": accepted backend or node-agent/],
        [{ controlPlaneTraceTarget: "node-agent" }, /node-agent" needs kubetracing:inClusterCollector = true/],
        [{ samplingRate: 5 }, /kubetracing:samplingRate is not a setting of this stack; known settings: engine, /],
    ])("rejects %j, naming the key, the value and what is accepted", (raw, message) => {
        const problems = problemsOf(raw);
        expect(problems.join("\n")).toMatch(message);
    });

    it("reports every problem at once", () => {
        const problems = problemsOf({ engine: "kind", workers: 99, samplingRatePerMillion: -1, hostBindAddress: "x" });
        expect(problems).toHaveLength(3);
        expect(new ConfigError(problems).message).toMatch(/^Invalid kubetracing configuration \(nothing was created\)/);
    });

    it("keeps every rate within 0..1000000 and applies per-component overrides (property)", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 1_000_000 }),
                fc.record(Object.fromEntries(COMPONENTS.map((c) => [c, fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 1_000_000 }))]))),
                (global, own) => {
                    const raw: Record<string, unknown> = { samplingRatePerMillion: global };
                    for (const [c, r] of Object.entries(own)) raw[`${c}SamplingRatePerMillion`] = r;
                    const rates = settingsOf(raw).samplingRatePerMillion;
                    for (const c of COMPONENTS) expect(rates[c]).toBe(own[c] === -1 ? global : own[c]);
                },
            ),
            { numRuns: 200 },
        );
    });
});

describe("warnings and namespaces", () => {
    it.each(["0.0.0.0", "192.168.1.10"])("warns that hostBindAddress %s publishes unauthenticated services beyond this machine", (address) => {
        const s = settingsOf({ hostBindAddress: address });
        expect(s.hostBindAddress).toBe(address);
        expect(s.notes.join("\n")).toMatch(new RegExp(`kubetracing:hostBindAddress = ${address.replace(/\./g, "\\.")}: .* no authentication`));
        // The warning reaches `pulumi up` (index.ts logs every note) and render.json through the rendered notes.
        expect(renderOf({ hostBindAddress: address }).notes).toEqual(expect.arrayContaining(s.notes));
    });

    it.each(["127.0.0.1", "127.0.0.2"])("does not warn for the loopback address %s", (address) => {
        expect(settingsOf({ hostBindAddress: address }).notes).toEqual([]);
    });

    it("passes the providers' own namespaces silently and notes any other foreign one", () => {
        const s = settingsOf({ "docker:host": "unix:///var/run/docker.sock", "kubernetes:context": "x", "pulumi:tags": "{}", "aws:region": "eu-west-1" });
        expect(s.notes).toEqual([expect.stringMatching(/^aws:region: no provider this stack uses reads the "aws" namespace .*; it is ignored$/)]);
    });

    it("knows exactly the namespaces of the Pulumi packages the program depends on", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        const fromPackages = Object.keys(pkg.dependencies)
            .filter((d) => d.startsWith("@pulumi/"))
            .map((d) => d.slice("@pulumi/".length));
        expect([...PROVIDER_NAMESPACES].sort()).toEqual(fromPackages.sort());
    });

    it.each(["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf"])("refuses kubetracing:%s as an unknown setting", (key) => {
        const problems = problemsOf(JSON.parse(`{"kubetracing:${key}": {"engine": "kind"}}`));
        expect(problems).toEqual([expect.stringMatching(new RegExp(`^kubetracing:${key} is not a setting of this stack`))]);
    });

    it("a __proto__ key changes nothing else about the settings", () => {
        const raw = JSON.parse('{"__proto__": {"engine": "kind"}, "kubetracing:workers": "2"}');
        expect(() => settingsOf(raw)).toThrow(/kubetracing:__proto__ is not a setting/);
        expect(settingsOf({ "kubetracing:workers": "2" }).engine).toBe("kind");
    });
});

describe("the table's validators", () => {
    it.each([
        [oneOf(["k3d", "kind"]), "k3d", undefined],
        [oneOf(["k3d", "kind"]), "K3d", "accepted k3d or kind"],
        [oneOf(["a", "b", "c"]), "d", "accepted a, b, c"],
        [between(0, 10), 0, undefined],
        [between(0, 10), 10, undefined],
        [between(0, 10), 11, "accepted 0 to 10"],
        [between(0, 10, " (note)"), -1, "accepted 0 to 10 (note)"],
        [hostPort, 0, undefined],
        [hostPort, 1024, undefined],
        [hostPort, 65535, undefined],
        [hostPort, 1023, "ports below 1024 need root; accepted 0 or 1024 to 65535"],
        [hostPort, 65536, "accepted 0 to 65535 (0 = Docker picks a free port)"],
        [hostPort, -1, "accepted 0 to 65535 (0 = Docker picks a free port)"],
        [ipv4Address, "127.0.0.1", undefined],
        [ipv4Address, "0.0.0.0", undefined],
        [ipv4Address, "255.255.255.255", undefined],
        [ipv4Address, "256.1.1.1", "accepted an IPv4 address such as 127.0.0.1 or 0.0.0.0"],
        [ipv4Address, "localhost", "accepted an IPv4 address such as 127.0.0.1 or 0.0.0.0"],
        [ipv4Address, "::1", "accepted an IPv4 address such as 127.0.0.1 or 0.0.0.0"],
        [pinnedImage, "", undefined],
        [pinnedImage, "otel/opentelemetry-collector:0.159.0", undefined],
        [pinnedImage, "otel/opentelemetry-collector", "pin an exact version (name:tag other than latest, or name@sha256:digest)"],
        [pinnedImage, "otel/opentelemetry-collector:latest", "pin an exact version (name:tag other than latest, or name@sha256:digest)"],
    ] as [(value: never) => string | undefined, string | number, string | undefined][])("%p(%p) → %p", (validator, value, expected) => {
        expect(validator(value as never)).toBe(expected);
    });
});

describe("a value of the wrong type", () => {
    // The checks across keys would see the default in its place, and report what is not so.
    it.each([
        [
            { exporters: '{"name":"tempo"}', localJaeger: "false" },
            /^kubetracing:exporters = \(not shown: it may hold secrets\): expected a list of exporters, e\.g\. \[\{"name":"tempo"/,
        ],
        [{ inClusterCollector: "yes", controlPlaneTraceTarget: "node-agent" }, /^kubetracing:inClusterCollector = "yes": expected true or false$/],
        [{ engine: { name: "kind" }, kindEtcdImage: "registry.k8s.io/etcd:3.5.12-0" }, /^kubetracing:engine = \{"name":"kind"\}: expected a string$/],
        [{ tracedComponents: "etcd" }, /^kubetracing:tracedComponents = "etcd": expected a list, e\.g\. \["etcd","kubelet"\]$/],
    ])("%j is that one problem, not a cross-key one built on a default", (raw, problem) => {
        expect(problemsOf(raw)).toEqual([expect.stringMatching(problem)]);
    });

    it("is reported together with the other keys' own problems", () => {
        expect(problemsOf({ workers: "two", jaegerUiPort: 80 })).toEqual([
            'kubetracing:workers = "two": expected a whole number',
            "kubetracing:jaegerUiPort = 80: ports below 1024 need root; accepted 0 or 1024 to 65535",
        ]);
    });
});

describe("messages and edge values (from the mutation run)", () => {
    it("says every problem on its own line under one heading", () => {
        const error = new ConfigError(["a", "b"]);
        expect(error.message).toBe("Invalid kubetracing configuration (nothing was created):\n  - a\n  - b");
        expect(error.name).toBe("ConfigError");
    });

    it.each([
        ["kubetraci:engine", true],
        ["KUBETRACING:engine", true],
        ["kubetra:engine", false],
    ])("%s is a typo of our namespace: %s", (key, typo) => {
        if (typo)
            expect(problemsOf({ [key]: "kind" })).toEqual([
                expect.stringMatching(/: the namespace is ".*", not "kubetracing", so nothing would read it; write kubetracing:engine$/),
            ]);
        else
            expect(settingsOf({ [key]: "kind" }).notes).toEqual([
                `${key}: no provider this stack uses reads the "kubetra" namespace (docker, command, kubernetes, pulumi and kubetracing do); it is ignored`,
            ]);
    });

    it.each([
        [{ workers: true }, "kubetracing:workers = true: expected a whole number"],
        [{ engine: false }, 'kubetracing:engine = "false": accepted k3d or kind'],
        [{ engine: { name: "kind" } }, 'kubetracing:engine = {"name":"kind"}: expected a string'],
        [{ tracedComponents: { etcd: true } }, 'kubetracing:tracedComponents = {"etcd":true}: expected a list'],
        [{ tracedComponents: [5] }, "kubetracing:tracedComponents contains 5: accepted etcd, apiserver, kubelet, containerd"],
        [
            { tracedComponents: [] },
            "kubetracing:tracedComponents = []: list at least one of etcd, apiserver, kubelet, containerd (an empty list traces nothing)",
        ],
        [{ samplingRatePerMillion: 1000001 }, "kubetracing:samplingRatePerMillion = 1000001: accepted 0 to 1000000 (1000000 = every request)"],
        [{ otlpGrpcPort: 65536 }, "kubetracing:otlpGrpcPort = 65536: accepted 0 to 65535 (0 = Docker picks a free port)"],
        [
            { kubernetesVersion: " 1.33" },
            'kubetracing:kubernetesVersion = " 1.33": no spaces; accepted a minor such as "1.34" or a pinned patch such as "1.29.2"',
        ],
        [{ engine: "kind", kindEtcdImage: "registry.k8s.io/etcd:3.4.13-0" }, "etcd 3.4.13 is outside >=3.5.0 <3.8.0"],
        [{ engine: "kind", kindEtcdImage: "registry.k8s.io/etcd:3.8.0-0" }, "etcd 3.8.0 is outside >=3.5.0 <3.8.0"],
        [{ engine: "kind", kindEtcdImage: "Registry/ETCD:3.5.12" }, 'kubetracing:kindEtcdImage = "Registry/ETCD:3.5.12": not a valid image reference'],
        [{ engine: "kind", kindEtcdImage: `registry.k8s.io/etcd@sha256:${"a".repeat(64)}` }, "expected an etcd image whose tag is its version"],
    ])("%j: %s", (raw, message) => {
        expect(problemsOf(raw).join("\n")).toContain(message);
    });

    it("accepts what Pulumi hands over as text and the bounds of kindEtcdImage", () => {
        expect(settingsOf({ kubernetesVersion: "v1.33" }).release.kubernetesMinor).toBe("1.33");
        expect(settingsOf({ inClusterCollector: "true" }).inClusterCollector).toBe(true);
        expect(settingsOf({ inClusterCollector: true }).inClusterCollector).toBe(true);
        expect(settingsOf({ engine: "kind", kindEtcdImage: "registry.k8s.io/etcd:3.5.0-0" }).kindEtcdImage).toBe("registry.k8s.io/etcd:3.5.0-0");
    });

    // kubeadm 1.36+ passes --feature-gates to etcd whatever its version; etcd 3.5 exits on it.
    it.each(["1.36", "1.37", "1.36.1"])("refuses an etcd 3.5 kindEtcdImage for kind %s, naming kubeadm's flag", (version) => {
        expect(problemsOf({ engine: "kind", kubernetesVersion: version, kindEtcdImage: "registry.k8s.io/etcd:3.5.21-0" })).toEqual([
            `kubetracing:kindEtcdImage = "registry.k8s.io/etcd:3.5.21-0": etcd 3.5.21 cannot start under kubeadm ${settingsOf({ engine: "kind", kubernetesVersion: version }).release.kubernetes}: ` +
                `kubeadm ${version.split(".").slice(0, 2).join(".")} always passes --feature-gates=InitialCorruptCheck=true to etcd, which etcd 3.5 does not know ` +
                `(it exits: "flag provided but not defined: -feature-gates"); accepted etcd 3.6.0 up to 3.7.x`,
        ]);
    });

    it.each([
        ["1.35", "registry.k8s.io/etcd:3.5.21-0"],
        ["1.34", "registry.k8s.io/etcd:3.5.12-0"],
        ["1.36", "registry.k8s.io/etcd:3.6.0-0"],
        ["1.37", "registry.k8s.io/etcd:3.7.0-0"],
    ])("accepts for kind %s the etcd image %s", (version, image) => {
        expect(settingsOf({ engine: "kind", kubernetesVersion: version, kindEtcdImage: image }).kindEtcdImage).toBe(image);
    });

    it.each(["nodeImage", "agentImage"])("validates %s like the other image overrides", (key) => {
        expect(problemsOf({ [key]: "kindest/node:latest" })).toEqual([
            `kubetracing:${key} = "kindest/node:latest": pin an exact version (name:tag other than latest, or name@sha256:digest)`,
        ]);
        expect(problemsOf({ [key]: "Kindest/Node:v1" }).join()).toContain(`kubetracing:${key} = "Kindest/Node:v1": not a valid image reference`);
        expect(problemsOf({ [key]: "kubetracing.local/node" })).toEqual([
            `kubetracing:${key} = "kubetracing.local/node": pin an exact version (name:tag other than latest, or name@sha256:digest)`,
        ]);
    });

    it("takes nodeImage for the nodes on either engine, and the release's facts still from kubernetesVersion", () => {
        for (const engine of ["kind", "k3d"]) {
            const s = settingsOf({ engine, kubernetesVersion: "1.37", nodeImage: "mirror.example.com/node:v1.37.1" });
            expect([s.nodeImage, s.release.kubernetesMinor]).toEqual(["mirror.example.com/node:v1.37.1", "1.37"]);
        }
    });

    it("takes agentImage for the node agent, and says so when no agent runs", () => {
        expect(settingsOf({ inClusterCollector: true, agentImage: "mirror.example.com/otelcol-contrib:0.159.0" }).agentImage).toBe(
            "mirror.example.com/otelcol-contrib:0.159.0",
        );
        expect(settingsOf({ agentImage: "mirror.example.com/otelcol-contrib:0.159.0" }).notes).toEqual([
            "kubetracing:agentImage is set but kubetracing:inClusterCollector is false, so no node agent runs and the image is not used",
        ]);
    });

    it("hints at quoting only for a version YAML may have read as a number", () => {
        expect(problemsOf({ kubernetesVersion: "1.35.99" }).join()).not.toContain("write it quoted");
        expect(problemsOf({ kubernetesVersion: "11.3" }).join()).not.toContain("write it quoted");
        expect(problemsOf({ engine: "minikube", kubernetesVersion: "1.33" })).toEqual(['kubetracing:engine = "minikube": accepted k3d or kind']);
    });
});
