// The whole trace path for real: real etcd and containerd with the rendered settings → the real
// Collector with the rendered config → the real Jaeger with the rendered config → `npm run verify`.
// The two containers run exactly as ObservabilityBackend declares them, in the tests' own dockerd.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { renderOf, file } from "../helpers";
import {
    putAndGet,
    startEtcd,
    waitForEtcd,
    pointAt,
    kindEtcdArgs,
    kindDropInEnv,
    startContainerd,
    criListImages,
    Containerd,
    EtcdRun,
} from "../real-binaries/drivers";
import { tempDir } from "../real-binaries/harness";
import { describeWithTracePath, docker, jaegerSpans, RunningBackend, runVerify, startBackend, TracePathTools, waitForJaegerSpans } from "./harness";
import { sendGrpcTestSpan, sendHttpTestSpan } from "./otlp-client";
import { ENGINES, supportedMinors } from "../../versions/versions";

const SPAN_TIMEOUT_MS = 30_000;
/**
 * A stack that traces the two components these machines run for real, at full sampling. kind: its
 * node image runs upstream's containerd build, as Debian's is (k3s's embedded one has no span processor).
 */
const ETCD_AND_CONTAINERD = { engine: "kind", tracedComponents: ["etcd", "containerd"], samplingRatePerMillion: 1000000, kubernetesVersion: "1.33" };

describeWithTracePath("the trace path, for real", (tools: TracePathTools) => {
    const [trixie, sid] = tools.suites;
    let backend: RunningBackend;
    let etcd: EtcdRun | undefined;
    let containerd: Containerd | undefined;

    beforeAll(() => {
        backend = startBackend(tools, `tp${process.pid}`, { config: ETCD_AND_CONTAINERD });
    });
    afterAll(async () => {
        await etcd?.etcd.stop();
        if (etcd) fs.rmSync(etcd.dir, { recursive: true, force: true });
        await containerd?.stop();
        backend?.remove();
    });

    it("runs the containers as the stack declares them: rendered config, command, ports bound to 127.0.0.1", () => {
        const inspect = JSON.parse(docker(tools.dockerHost, ["inspect", backend.containers.collector, backend.containers.jaeger]));
        const [collector, jaeger] = inspect;
        expect(collector.Config.Image).toBe(tools.images.collectorImage);
        expect(collector.Args).toEqual(["--config=/etc/otelcol/kubetracing.yaml"]);
        expect(jaeger.Args).toEqual(["--config", "/etc/jaeger/kubetracing.yaml"]);
        expect(collector.Config.User).toBe("10001:10001");
        for (const c of inspect)
            for (const bindings of Object.values(c.HostConfig.PortBindings) as any[]) for (const b of bindings) expect(b.HostIp).toBe("127.0.0.1");
        const uploaded = docker(tools.dockerHost, ["cp", `${backend.containers.collector}:/etc/otelcol/kubetracing.yaml`, "-"]);
        expect(uploaded).toContain(file(backend.rendered, "collector-config").split("\n")[0]);
        expect(backend.readyMs.collector).toBeGreaterThan(0);
    });

    it("OTLP/gRPC and OTLP/HTTP test spans sent to the published host ports reach Jaeger's /api/v3/traces", async () => {
        await sendGrpcTestSpan(backend.otlpGrpc, "kubetracing-test-grpc", "grpc-test-span");
        await sendHttpTestSpan(backend.otlpHttp, "kubetracing-test-http", "http-test-span");
        await waitForJaegerSpans(backend.jaegerUrl, "kubetracing-test-grpc", ["grpc-test-span"], SPAN_TIMEOUT_MS);
        await waitForJaegerSpans(backend.jaegerUrl, "kubetracing-test-http", ["http-test-span"], SPAN_TIMEOUT_MS);
    });

    it(`real etcd ${sid?.etcd} with the rendered kind etcd args → etcd spans in Jaeger`, async () => {
        const args = pointAt(kindEtcdArgs(ETCD_AND_CONTAINERD), backend.otlpGrpc);
        expect(args.map(([k]) => k)).toContain("experimental-distributed-tracing-address");
        etcd = await startEtcd(sid.bin("etcd"), "command-line", args);
        await waitForEtcd(etcd, sid.bin("etcdctl"));
        putAndGet(etcd, sid.bin("etcdctl"));
        const { spans } = await waitForJaegerSpans(backend.jaegerUrl, "etcd", ["etcdserverpb.KV/Put", "etcdserverpb.KV/Range"], SPAN_TIMEOUT_MS);
        expect(spans.length).toBeGreaterThanOrEqual(2);
    });

    it(`real containerd ${sid?.containerd} with the rendered kind systemd drop-in env → containerd spans in Jaeger`, async () => {
        const env = kindDropInEnv(ETCD_AND_CONTAINERD, backend.otlpHttp);
        expect(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).toContain(backend.otlpHttp);
        containerd = await startContainerd(sid, env);
        await criListImages(containerd.socket);
        await waitForJaegerSpans(backend.jaegerUrl, "containerd", ["runtime.v1.ImageService/ListImages"], SPAN_TIMEOUT_MS);
    });

    it("`npm run verify -- --outputs FILE --no-activity` finds etcd and containerd in the real Jaeger (exit 0)", () => {
        const r = runVerify(backend.outputs, "--no-activity", "--timeout", "60");
        expect(r.stderr).not.toMatch(/Error|MISSING/);
        expect(r.stdout).toMatch(/^etcd\s+etcd\s+[1-9]\d*\s/m);
        expect(r.stdout).toMatch(/^containerd\s+containerd\s+[1-9]\d*\s/m);
        expect(r.status).toBe(0);
        process.stdout.write(`verify against the real Jaeger:\n${r.stdout}\n`);
    });

    it("negative control: with Jaeger stopped, verify exits 3 (unreachable)", () => {
        const other = startBackend(tools, `tpj${process.pid}`, { config: ETCD_AND_CONTAINERD });
        try {
            docker(tools.dockerHost, ["stop", other.containers.jaeger]);
            const r = runVerify(other.outputs, "--no-activity", "--timeout", "5");
            expect(r.status).toBe(3);
        } finally {
            other.remove();
        }
    });

    it("negative control: the exporter to Jaeger taken out of the Collector's pipeline → verify exits 1, naming both components", async () => {
        const other = startBackend(tools, `tpx${process.pid}`, {
            config: ETCD_AND_CONTAINERD,
            // The pipeline still needs an exporter: the core distribution's nop exporter drops everything.
            editCollectorConfig: (config) => config.replace(/^(\s+)- otlp_grpc\/jaeger$/m, "$1- nop").replace(/^exporters:\n/m, "exporters:\n  nop: {}\n"),
        });
        let run: EtcdRun | undefined;
        try {
            const uploaded = docker(tools.dockerHost, ["cp", `${other.containers.collector}:/etc/otelcol/kubetracing.yaml`, "-"]);
            expect(uploaded).toMatch(/- nop/);
            expect(uploaded).not.toMatch(/^\s+- otlp_grpc\/jaeger$/m);
            run = await startEtcd(trixie.bin("etcd"), "command-line", pointAt(kindEtcdArgs(ETCD_AND_CONTAINERD), other.otlpGrpc));
            await waitForEtcd(run, trixie.bin("etcdctl"));
            putAndGet(run, trixie.bin("etcdctl"));
            const r = runVerify(other.outputs, "--no-activity", "--timeout", "12");
            expect(r.status).toBe(1);
            expect(r.stdout).toMatch(/MISSING etcd/);
            expect(r.stdout).toMatch(/MISSING containerd/);
            expect(await jaegerSpans(other.jaegerUrl, "etcd")).toEqual([]);
        } finally {
            await run?.etcd.stop();
            if (run) fs.rmSync(run.dir, { recursive: true, force: true });
            other.remove();
        }
    });
});

describeWithTracePath("the real binaries validate every rendered Collector and Jaeger config", (tools: TracePathTools) => {
    let dir: string;
    beforeAll(() => (dir = tempDir("validate")));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    const validate = (binary: string, config: string, name: string) => {
        const f = path.join(dir, name);
        fs.writeFileSync(f, config);
        const r = spawnSync(path.join(tools.bin, binary), ["validate", `--config=${f}`], {
            encoding: "utf8",
            env: { PATH: process.env.PATH, K8S_NODE_NAME: "node-a" },
        });
        return r;
    };

    it.each(ENGINES.flatMap((engine) => supportedMinors(engine).map((minor) => [engine, minor])))(
        "%s %s: the backend's Collector config (otelcol) and Jaeger config (jaeger)",
        (engine, minor) => {
            const rendered = renderOf({ engine, kubernetesVersion: minor });
            const collector = validate("otelcol", file(rendered, "collector-config"), `collector-${engine}-${minor}.yaml`);
            expect(collector.stderr).toBe("");
            expect(collector.status).toBe(0);
            const jaeger = validate("jaeger", file(rendered, "jaeger-config"), `jaeger-${engine}-${minor}.yaml`);
            expect(jaeger.status).toBe(0);
        },
    );

    it.each(["k3d", "kind"])("%s: the node agent's config (otelcol-agent, k8s_attributes included)", (engine) => {
        const rendered = renderOf({ engine, inClusterCollector: true });
        const agent = validate("otelcol-agent", file(rendered, "in-cluster-collector-config"), `agent-${engine}.yaml`);
        expect(agent.stderr).toBe("");
        expect(agent.status).toBe(0);
    });

    it("negative control: validate refuses a config whose pipeline names an undefined exporter", () => {
        const broken = file(renderOf({}), "collector-config").replace(/- otlp_grpc\/jaeger$/m, "- otlp_grpc/nowhere");
        const r = validate("otelcol", broken, "broken.yaml");
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/otlp_grpc\/nowhere/);
    });

    it("negative control: Jaeger's validate refuses a key its query extension does not have", () => {
        const misspelt = file(renderOf({}), "jaeger-config").replace("enable_tracing: false", "enable_tracingg: false");
        const r = validate("jaeger", misspelt, "misspelt.yaml");
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/invalid keys: enable_tracingg/);
    });

    it("the built Collector reports the pinned version", () => {
        const r = spawnSync(path.join(tools.bin, "otelcol"), ["--version"], { encoding: "utf8" });
        expect(r.stdout.trim()).toBe(`otelcol version ${/:(\d+\.\d+\.\d+)$/.exec(renderOf({}).collectorImage)![1]}`);
    });
});
