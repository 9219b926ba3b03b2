// npm run bench:trace-path [-- --runs N]
// Figures, not assertions (median of N runs, default 3), on the trace-path tier's real backend:
// - each container's `docker start` → ready (Jaeger's UI answers; the Collector's health check passes);
// - real etcd's first KV/Put span, from the etcdctl call to visible in Jaeger's /api/v3/traces.
import * as fs from "fs";
import { kindEtcdArgs, pointAt, putAndGet, startEtcd, waitForEtcd } from "../tests/real-binaries/drivers";
import { obtainTracePath, startBackend, waitForJaegerSpans } from "../tests/trace-path/harness";
import { median, runsOption } from "./bench-common";

// kind 1.33: its etcd (3.5) takes the flags Debian's etcd 3.5 knows.
const CONFIG = { engine: "kind", kubernetesVersion: "1.33", tracedComponents: ["etcd"], samplingRatePerMillion: 1000000 };

async function main(): Promise<number> {
    const runs = runsOption("bench:trace-path", "bench:trace-path");
    const obtained = obtainTracePath();
    if (!obtained.ok) {
        console.error(`bench:trace-path: ${obtained.reason}`);
        return 3;
    }
    const { tools } = obtained;
    const [, sid] = tools.suites;
    const samples = { jaeger: [] as number[], collector: [] as number[], etcdCallToJaeger: [] as number[] };
    for (let i = 0; i < runs; i++) {
        const backend = startBackend(tools, `bench${process.pid}x${i}`, { config: CONFIG });
        const etcd = await startEtcd(sid.bin("etcd"), "command-line", pointAt(kindEtcdArgs(CONFIG), backend.otlpGrpc));
        try {
            samples.jaeger.push(backend.readyMs.jaeger);
            samples.collector.push(backend.readyMs.collector);
            await waitForEtcd(etcd, sid.bin("etcdctl"));
            const called = Date.now();
            putAndGet(etcd, sid.bin("etcdctl"));
            const { at } = await waitForJaegerSpans(backend.jaegerUrl, "etcd", ["etcdserverpb.KV/Put"], 60_000);
            samples.etcdCallToJaeger.push(at - called);
        } finally {
            await etcd.etcd.stop();
            fs.rmSync(etcd.dir, { recursive: true, force: true });
            backend.remove();
        }
    }
    console.log(`median of ${runs} (ms; all samples in brackets)`);
    console.log(`Jaeger ${tools.images.jaegerImage}: docker start → UI answers     ${median(samples.jaeger)}  [${samples.jaeger.join(", ")}]`);
    console.log(`Collector ${tools.images.collectorImage}: docker start → healthy  ${median(samples.collector)}  [${samples.collector.join(", ")}]`);
    console.log(
        `etcd ${sid.etcd}: etcdctl put → KV/Put visible in Jaeger            ${median(samples.etcdCallToJaeger)}  [${samples.etcdCallToJaeger.join(", ")}]`,
    );
    return 0;
}

main().then((code) => process.exit(code));
