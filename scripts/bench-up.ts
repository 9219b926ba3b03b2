// npm run bench:up [-- --runs N]
// Figures, not assertions: the whole stack by `pulumi up` of a fresh stack against the same work by
// hand, median of N runs (default 3) in one run, interleaved, with the ratio. The stack: kind 1.34
// from our node image, no workers, local Jaeger and Collector. By hand: `docker network create`, the
// two containers created, given their configs, started and waited for as the stack waits for them
// (tests/trace-path/harness.ts startBackend), then `kind create cluster --wait 300s` with the rendered
// config and the files it mounts. Needs what the lifecycle tier needs (the pulumi CLI and its plugins).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { obtainLifecycle, TestStack, tempDir } from "../tests/lifecycle/harness";
import { startBackend } from "../tests/trace-path/harness";
import { median, runsOption } from "./bench-common";

async function main(): Promise<number> {
    const runs = runsOption("bench:up", "bench:up");
    const obtained = obtainLifecycle();
    if (!obtained.ok) {
        console.error(`bench:up: ${obtained.reason}`);
        return 3;
    }
    const tools = obtained.tools;
    const images = tools.cluster.images;
    const config = {
        engine: "kind",
        kubernetesVersion: "1.34",
        nodeImage: images.node["1.34"],
        jaegerImage: images.jaegerImage,
        collectorImage: images.collectorImage,
        workers: 0,
    };
    const env = { ...process.env, PATH: `${tools.cluster.pathFor("1.34")}:${process.env.PATH}`, DOCKER_HOST: tools.cluster.dockerHost };

    const byPulumi = async (name: string, ...flags: string[]): Promise<number> => {
        const stack = new TestStack(tools, name, config);
        const up = await stack.run(["up", "--yes", ...flags]);
        const down = await stack.destroy();
        if (up.status !== 0) throw new Error(`pulumi up ${flags.join(" ")} failed: ${up.stderr || up.stdout.slice(-2000)}`);
        if (down.status !== 0) throw new Error(`pulumi destroy failed: ${down.stderr || down.stdout.slice(-2000)}`);
        return up.ms;
    };

    const byHand = (name: string): number => {
        const started = Date.now();
        const backend = startBackend(tools.cluster, name, { config });
        const dir = tempDir("kind");
        try {
            for (const a of backend.rendered.artifacts.filter((x) => x.neededByEngine)) fs.writeFileSync(path.join(dir, a.fileName), a.content);
            const kind = spawnSync(
                "kind",
                ["create", "cluster", "--config", backend.rendered.clusterConfigFile, "--kubeconfig", "./kubeconfig", "--wait", "300s"],
                { cwd: dir, env: { ...env, KIND_EXPERIMENTAL_DOCKER_NETWORK: backend.network }, encoding: "utf8" },
            );
            if (kind.status !== 0) throw new Error(`kind create cluster: ${kind.stderr.slice(-2000)}`);
            return Date.now() - started;
        } finally {
            spawnSync("kind", ["delete", "cluster", "--name", `kubetracing-${name}`, "--kubeconfig", "./kubeconfig"], { cwd: dir, env });
            backend.remove();
        }
    };

    const samples: Record<"up" | "upSkipPreview" | "hand", number[]> = { up: [], upSkipPreview: [], hand: [] };
    for (let i = 0; i < runs; i++) {
        samples.hand.push(byHand(`bh${process.pid}x${i}`));
        samples.up.push(await byPulumi(`bu${process.pid}x${i}`));
        samples.upSkipPreview.push(await byPulumi(`bs${process.pid}x${i}`, "--skip-preview"));
        process.stderr.write(
            `bench:up: run ${i + 1} of ${runs}: by hand ${samples.hand[i]} ms, pulumi up ${samples.up[i]} ms, with --skip-preview ${samples.upSkipPreview[i]} ms\n`,
        );
    }
    const hand = median(samples.hand);
    const line = (label: string, xs: number[], ratio = true) =>
        `${label.padEnd(52)} ${String(median(xs)).padStart(6)}  ${ratio ? `${(median(xs) / hand).toFixed(2)}×` : "     "}  [${xs.join(", ")}]`;
    console.log(`median of ${runs} (ms; all samples in brackets; ratio to by hand), kind 1.34 from ${images.node["1.34"]}, no workers`);
    console.log(line("by hand: network, two containers ready, kind create", samples.hand, false));
    console.log(line("pulumi up --yes (preview, then update)", samples.up));
    console.log(line("pulumi up --yes --skip-preview (npm run up)", samples.upSkipPreview));
    return 0;
}

main().then(
    (code) => process.exit(code),
    (err: Error) => {
        console.error(`bench:up: ${err.message}`);
        process.exit(1);
    },
);
