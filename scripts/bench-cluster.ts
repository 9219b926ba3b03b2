// npm run bench:cluster [-- --runs N]
// Figures, not assertions (median of N runs, default 3), on the cluster tier's real kind clusters (our
// node image, Kubernetes 1.34, one node, every component at full sampling):
// - the create script as the cluster Command runs it: `kind create cluster --wait` to a Ready control plane;
// - from Ready to the first span of each component visible in Jaeger (a span that started before Ready counts as 0).
import { createCluster, obtainCluster } from "../tests/cluster/harness";
import { jaegerSpans } from "../tests/trace-path/harness";
import { median, runsOption } from "./bench-common";
import { COMPONENTS } from "../settings/settings";
import { SERVICE_NAMES } from "../stack/endpoints";

async function main(): Promise<number> {
    const runs = runsOption("bench:cluster", "bench:cluster");
    const obtained = obtainCluster();
    if (!obtained.ok) {
        console.error(`bench:cluster: ${obtained.reason}`);
        return 3;
    }
    const samples: Record<string, number[]> = { create: [], ...Object.fromEntries(COMPONENTS.map((c) => [c, []])) };
    for (let i = 0; i < runs; i++) {
        const cluster = await createCluster(obtained.tools, "1.34", `bench${process.pid}x${i}`, { config: { workers: 0 } });
        try {
            samples.create.push(cluster.createMs);
            const seen = new Set<string>();
            const deadline = Date.now() + 120_000;
            while (seen.size < COMPONENTS.length && Date.now() < deadline) {
                for (const component of COMPONENTS.filter((c) => !seen.has(c))) {
                    if ((await jaegerSpans(cluster.backend.jaegerUrl, SERVICE_NAMES[component])).length) {
                        seen.add(component);
                        samples[component].push(Math.max(0, Date.now() - cluster.readyAt));
                    }
                }
                await new Promise((r) => setTimeout(r, 250));
            }
        } finally {
            cluster.destroy();
            cluster.backend.remove();
        }
    }
    const line = (label: string, xs: number[]) => `${label.padEnd(46)} ${String(median(xs) ?? "-").padStart(6)}  [${xs.join(", ")}]`;
    console.log(`median of ${runs} (ms; all samples in brackets), kind 1.34 from ${obtained.tools.images.node["1.34"]}`);
    console.log(line("create script: kind create --wait → Ready", samples.create));
    for (const c of COMPONENTS) console.log(line(`Ready → first ${c} span in Jaeger`, samples[c]));
    return 0;
}

main().then((code) => process.exit(code));
