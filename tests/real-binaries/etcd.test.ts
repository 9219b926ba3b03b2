// Real etcd 3.5 started with the settings the stack renders (only the Collector address changed to
// a local receiver), driven with etcdctl, and its spans checked at a real OTLP receiver.
import { describeWithBinaries, Receiver, startReceiver, sleep } from "./harness";
import { Arg, k3dEtcdArgs, k3sEtcdConfigValue, kindEtcdArgs, pointAt, putAndGet, startEtcd, waitForEtcd } from "./drivers";

/** A quiet window long enough for etcd's batch exporter (5 s schedule) to have sent anything it had. */
const NEGATIVE_WINDOW_MS = 8000;
const SPAN_TIMEOUT_MS = 20000;

describeWithBinaries("real etcd receives the rendered tracing settings", (suites) => {
    let receiver: Receiver;
    beforeEach(async () => (receiver = await startReceiver()));
    afterEach(async () => receiver.close());

    const positive: [string, "k3s-config-file" | "command-line", () => Arg[]][] = [
        [
            "k3d 1.33 (etcd 3.5 names, k3s config file)",
            "k3s-config-file",
            () => k3dEtcdArgs({ kubernetesVersion: "1.33", etcdSamplingRatePerMillion: 1000000 }),
        ],
        [
            "kind 1.33 (etcd 3.5 flags, kubeadm extraArgs)",
            "command-line",
            () => kindEtcdArgs({ kubernetesVersion: "1.33", etcdSamplingRatePerMillion: 1000000 }),
        ],
        [
            "kind 1.29.2 with kindEtcdImage 3.5.12 (sampling flag restored)",
            "command-line",
            () => kindEtcdArgs({ kubernetesVersion: "1.29.2", kindEtcdImage: "registry.k8s.io/etcd:3.5.12-0", etcdSamplingRatePerMillion: 1000000 }),
        ],
    ];
    for (const suite of suites) {
        it.each(positive)(`etcd ${suite.etcd} (${suite.name}): %s → KV/Put and KV/Range spans as service "etcd"`, async (_title, mode, argsOf) => {
            const run = await startEtcd(suite.bin("etcd"), mode, pointAt(argsOf(), receiver.grpc));
            try {
                await waitForEtcd(run, suite.bin("etcdctl"));
                putAndGet(run, suite.bin("etcdctl"));
                const spans = await receiver.waitFor("etcd", ["etcdserverpb.KV/Put", "etcdserverpb.KV/Range"], SPAN_TIMEOUT_MS);
                expect(spans.every((s) => s.service === "etcd")).toBe(true);
            } finally {
                await run.etcd.stop();
            }
        });
    }

    // Negative controls: each must deliver nothing, so a green positive run means something.
    const etcd35 = suites[0];
    it.each([
        ["sampling rate 0", "k3s-config-file", () => pointAt(k3dEtcdArgs({ kubernetesVersion: "1.33", etcdSamplingRatePerMillion: 0 }), receiver.grpc)],
        [
            "etcd 3.6 key names given to etcd 3.5 in a config file (ignored silently)",
            "k3s-config-file",
            () => pointAt(k3dEtcdArgs({ kubernetesVersion: "1.34", etcdSamplingRatePerMillion: 1000000 }), receiver.grpc),
        ],
        [
            "an http:// address",
            "command-line",
            () => pointAt(kindEtcdArgs({ kubernetesVersion: "1.33", etcdSamplingRatePerMillion: 1000000 }), `http://${receiver.grpc}`),
        ],
    ] as const)(`negative control on etcd ${etcd35?.etcd}: %s delivers no span`, async (_title, mode, argsOf) => {
        const run = await startEtcd(etcd35.bin("etcd"), mode, argsOf());
        try {
            await waitForEtcd(run, etcd35.bin("etcdctl"));
            putAndGet(run, etcd35.bin("etcdctl"));
            await sleep(NEGATIVE_WINDOW_MS);
            expect(receiver.spans).toEqual([]);
        } finally {
            await run.etcd.stop();
        }
    });

    it(`negative control on etcd ${etcd35?.etcd}: etcd 3.6 flag names on the command line stop etcd 3.5 from starting`, async () => {
        const run = await startEtcd(etcd35.bin("etcd"), "command-line", pointAt(kindEtcdArgs({ kubernetesVersion: "1.34" }), receiver.grpc));
        const code = await Promise.race([run.etcd.exited, sleep(10000).then(() => "still running")]);
        await run.etcd.stop();
        expect(code).not.toBe(0);
        expect(code).not.toBe("still running");
        expect(run.etcd.stderr()).toMatch(/flag provided but not defined: -enable-distributed-tracing|unknown flag/);
    });

    it("models k3s's typing of --etcd-arg values", () => {
        expect(k3sEtcdConfigValue("experimental-distributed-tracing-sampling-rate", "1000")).toBe(1000);
        expect(k3sEtcdConfigValue("experimental-enable-distributed-tracing", "true")).toBe(true);
        expect(k3sEtcdConfigValue("experimental-distributed-tracing-address", "kubetracing-dev-collector:4317")).toBe("kubetracing-dev-collector:4317");
        expect(k3sEtcdConfigValue("experimental-distributed-tracing-instance-id", "kubetracing-dev-etcd")).toBe("kubetracing-dev-etcd");
    });
});
