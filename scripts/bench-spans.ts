// npm run bench:spans [-- --runs N]
// Figures, not assertions: per component and rendered variant, the time from process start to
// the first span received, and from the triggering call to its span (median of N runs), with real
// etcd and containerd (scripts/fetch-binaries.sh) and a real OTLP receiver.
import { obtainBinaries, startReceiver, Suite } from "../tests/real-binaries/harness";
import { median, runsOption } from "./bench-common";
import {
    criListImages,
    k3dEtcdArgs,
    k3sContainerdEnv,
    pointAt,
    putAndGet,
    renderedToml,
    startContainerd,
    startEtcd,
    waitForEtcd,
} from "../tests/real-binaries/drivers";

interface Sample {
    startToFirstSpan: number;
    callToSpan: number;
}

interface Variant {
    component: "etcd" | "containerd";
    title: string;
    measure(): Promise<Sample>;
}

async function firstSpan(receiver: Awaited<ReturnType<typeof startReceiver>>, service: string, name: string): Promise<number> {
    const spans = await receiver.waitFor(service, [name], 30000);
    return Math.min(...spans.filter((s) => s.name === name).map((s) => s.receivedAt));
}

function etcdVariant(suite: Suite): Variant {
    return {
        component: "etcd",
        title: `etcd ${suite.etcd}, k3d 1.33 settings (k3s config file)`,
        async measure() {
            const receiver = await startReceiver();
            const started = Date.now();
            const run = await startEtcd(
                suite.bin("etcd"),
                "k3s-config-file",
                pointAt(k3dEtcdArgs({ kubernetesVersion: "1.33", etcdSamplingRatePerMillion: 1000000 }), receiver.grpc),
            );
            try {
                await waitForEtcd(run, suite.bin("etcdctl"));
                const called = Date.now();
                putAndGet(run, suite.bin("etcdctl"));
                const at = await firstSpan(receiver, "etcd", "etcdserverpb.KV/Put");
                return { startToFirstSpan: at - started, callToSpan: at - called };
            } finally {
                await run.etcd.stop();
                await receiver.close();
            }
        },
    };
}

function containerdVariant(suite: Suite, form: "env" | "toml"): Variant {
    const spanName = suite.containerd.startsWith("1.") ? "pkg.cri.server.ListImages" : "runtime.v1.ImageService/ListImages";
    return {
        component: "containerd",
        title: `containerd ${suite.containerd}, ${form === "env" ? "k3d 1.34 env" : "k3d 1.29.0 TOML template"}`,
        async measure() {
            const receiver = await startReceiver();
            const url = `http://${receiver.http}`;
            const started = Date.now();
            const raw = { containerdSamplingRatePerMillion: 1000000 };
            const containerd =
                form === "env"
                    ? await startContainerd(suite, k3sContainerdEnv({ kubernetesVersion: "1.34", ...raw }, url))
                    : await startContainerd(suite, {}, renderedToml({ engine: "k3d", kubernetesVersion: "1.29.0", ...raw }, url));
            try {
                const called = Date.now();
                await criListImages(containerd.socket);
                const at = await firstSpan(receiver, "containerd", spanName);
                return { startToFirstSpan: at - started, callToSpan: at - called };
            } finally {
                await containerd.stop();
                await receiver.close();
            }
        },
    };
}

async function main() {
    const runs = runsOption("bench-spans", "bench:spans");
    const binaries = obtainBinaries();
    if (!binaries.ok) {
        console.error(`bench-spans: ${binaries.reason}`);
        process.exit(3);
    }
    const [c17, c2] = binaries.suites;
    const variants = [etcdVariant(c17), etcdVariant(c2), containerdVariant(c17, "env"), containerdVariant(c17, "toml"), containerdVariant(c2, "env")];
    console.log(`median of ${runs} runs, milliseconds (batch exporters send every ~5 s, which dominates)\n`);
    console.log(["component", "variant", "start → first span", "call → span"].join(" | "));
    for (const v of variants) {
        const samples: Sample[] = [];
        for (let i = 0; i < runs; i++) samples.push(await v.measure());
        console.log([v.component, v.title, median(samples.map((s) => s.startToFirstSpan)), median(samples.map((s) => s.callToSpan))].join(" | "));
    }
    process.exit(0);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
