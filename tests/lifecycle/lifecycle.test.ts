// The lifecycle tier: the real `pulumi` CLI, language host and providers driving this program against the
// tests' dockerd and kind clusters from our node image. What only the engine shows: what a change
// replaces, what a failure leaves, what refresh and destroy do. Not part of CI (the plugins are built by
// hand here); it skips, saying what is missing, where pulumi has no plugins.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describeWithLifecycle, LifecycleTools, tempDir, TestStack } from "./harness";
import { runVerifyIn } from "../trace-path/harness";
import { PROJECT_DIR } from "../helpers";

const VERIFY = ["--timeout", "240", "--json"];

describeWithLifecycle("the real pulumi lifecycle", (tools: LifecycleTools) => {
    const images = tools.cluster.images;
    const base = (extra: Record<string, unknown> = {}) => ({
        engine: "kind",
        kubernetesVersion: "1.34",
        nodeImage: images.node["1.34"],
        jaegerImage: images.jaegerImage,
        collectorImage: images.collectorImage,
        agentImage: images.agentImage,
        workers: 0,
        samplingRatePerMillion: 1000000,
        ...extra,
    });
    const docker = (...args: string[]) => spawnSync("docker", args, { env: { ...process.env, DOCKER_HOST: tools.cluster.dockerHost }, encoding: "utf8" });
    const kindLoad = (stack: TestStack, ...refs: string[]) => {
        const r = spawnSync("kind", ["load", "docker-image", "--name", `kubetracing-${stack.name}`, ...refs], { env: stack.env, encoding: "utf8" });
        if (r.status !== 0) throw new Error(`kind load: ${r.stderr}`);
    };
    const verify = (stack: TestStack) => {
        kindLoad(stack, images.pod);
        const r = runVerifyIn(stack.env, stack.outputs(), "--pod-image", images.pod, ...VERIFY);
        return { status: r.status, report: JSON.parse(r.stdout || "{}"), stderr: r.stderr };
    };
    /** Every container, network and volume the stack's names appear in, and its state directory. */
    const leftovers = (stack: TestStack) => {
        const left = [
            ...docker("ps", "-a", "--format", "{{.Names}}")
                .stdout.split("\n")
                .filter((n) => n.includes(`kubetracing-${stack.name}`)),
            ...docker("network", "ls", "--format", "{{.Name}}")
                .stdout.split("\n")
                .filter((n) => n.includes(stack.name)),
        ];
        // Anonymous volumes (a kind node's /var) have no name to match: any the tier did not start with.
        left.push(
            ...volumes()
                .filter((v) => !volumesAtStart.has(v))
                .map((v) => `volume ${v}`),
        );
        const state = path.join(stack.dir, "state", "kubetracing");
        for (const engine of ["kind", "k3d"]) if (fs.existsSync(path.join(state, engine, `kubetracing-${stack.name}`))) left.push(`state directory ${engine}`);
        const kubeconfig = (process.env.KUBECONFIG ?? path.join(os.homedir(), ".kube", "config")).split(":")[0];
        if (fs.existsSync(kubeconfig) && fs.readFileSync(kubeconfig, "utf8").includes(`kubetracing-${stack.name}`)) left.push(`an entry in ${kubeconfig}`);
        return left.filter(Boolean);
    };
    const volumes = () => docker("volume", "ls", "-q").stdout.split("\n").filter(Boolean);
    const volumesAtStart = new Set(volumes());
    /**
     * No registry reaches the nodes here: an image the stack names for its cluster (the agent's) is loaded
     * with `kind load` into each cluster the stack has while `run` goes on (a replaced cluster is a new one).
     */
    const withImagesLoaded = async <T>(stack: TestStack, refs: string[], run: () => Promise<T>): Promise<T> => {
        let done = false;
        const loaded = new Set<string>();
        const loader = (async () => {
            while (!done) {
                const node = docker(
                    "ps",
                    "-q",
                    "--filter",
                    `label=io.x-k8s.kind.cluster=kubetracing-${stack.name}`,
                    "--filter",
                    "label=io.x-k8s.kind.role=control-plane",
                ).stdout.trim();
                if (node && !loaded.has(node)) {
                    // Once its kubelet runs, so the image lands in a containerd that is up.
                    await new Promise((r) => setTimeout(r, 5000));
                    const r = spawnSync("kind", ["load", "docker-image", "--name", `kubetracing-${stack.name}`, ...refs], { env: stack.env, encoding: "utf8" });
                    if (r.status === 0) loaded.add(node);
                }
                await new Promise((r) => setTimeout(r, 2000));
            }
        })();
        try {
            return await run();
        } finally {
            done = true;
            await loader;
        }
    };
    const kubectl = (stack: TestStack, args: string[]) => {
        const dir = path.join(stack.dir, "kubectl");
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "kubeconfig"), String(stack.outputs().kubeconfig), { mode: 0o600 });
        return spawnSync("kubectl", ["--kubeconfig", path.join(dir, "kubeconfig"), ...args], { env: stack.env, encoding: "utf8" }).stdout;
    };
    const daemonSetReady = (stack: TestStack) => {
        const status = JSON.parse(kubectl(stack, ["-n", "kubetracing", "get", "daemonset", "kubetracing-node-agent", "-o", "json"])).status;
        return { desired: status.desiredNumberScheduled, ready: status.numberReady };
    };
    const testDocker = (command: string) => spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "test-docker.sh"), command]).status;
    const figures: string[] = [];
    afterAll(() => process.stdout.write(`lifecycle figures:\n${figures.join("\n")}\n`));

    describe("one kind stack through its life", () => {
        const stack = new TestStack(tools, `lc${process.pid}`, base());
        afterAll(async () => {
            await stack.destroy();
        });

        it("1. a fresh up: loopback-only ports, outputs that match the live ports, and verify finds all four components", async () => {
            const up = await stack.up();
            expect(up.stderr).toBe("");
            expect(up.status).toBe(0);
            figures.push(`fresh up (kind 1.34, no workers): ${up.ms} ms`);
            expect(up.stdout).not.toMatch(/Undefined value/);
            const outputs = stack.outputs();
            for (const container of [`kubetracing-${stack.name}-jaeger`, `kubetracing-${stack.name}-collector`]) {
                const ports = docker("port", container).stdout.trim().split("\n");
                expect(ports.length).toBeGreaterThan(0);
                for (const line of ports) expect(line).toMatch(/ -> 127\.0\.0\.1:\d+$/);
            }
            const jaegerPort = /:(\d+)$/.exec(docker("port", `kubetracing-${stack.name}-jaeger`, "16686/tcp").stdout.trim())![1];
            expect(outputs.jaegerUrl).toBe(`http://127.0.0.1:${jaegerPort}`);
            expect(outputs.clusterName).toBe(`kubetracing-${stack.name}`);
            const v = verify(stack);
            expect(v.report.components?.map((c: { component: string; spans: number }) => [c.component, c.spans > 0])).toEqual([
                ["etcd", true],
                ["apiserver", true],
                ["kubelet", true],
                ["containerd", true],
            ]);
            expect(v.status).toBe(0);
        });

        it("2. preview --expect-no-changes passes right after", async () => {
            const r = await stack.run(["preview", "--expect-no-changes"]);
            expect([r.status, r.stderr]).toEqual([0, ""]);
        });

        it("3. samplingRatePerMillion changed: the cluster is replaced, the kubeconfig output is the new cluster's, and verify passes", async () => {
            const before = stack.outputs().kubeconfig;
            stack.writeConfig(base({ samplingRatePerMillion: 500000 }));
            expect(await stack.plan()).toEqual({ "kubernetes-cluster": "replace", "kubernetes-kubeconfig": "replace" });
            const up = await stack.up();
            expect(up.status).toBe(0);
            figures.push(`sampling change (cluster replaced): ${up.ms} ms`);
            expect(stack.outputs().kubeconfig).not.toBe(before);
            expect(verify(stack).status).toBe(0);
        });

        it("4. jaegerImage changed: only the Jaeger container is replaced", async () => {
            const other = `${images.jaegerImage}-retag`;
            docker("tag", images.jaegerImage, other);
            stack.writeConfig(base({ samplingRatePerMillion: 500000, jaegerImage: other }));
            const plan = await stack.plan();
            // The container and the image resource it names (the docker provider's RemoteImage), nothing else.
            expect(plan).toEqual({ "backend-jaeger-image": "replace", "backend-jaeger": "replace" });
            expect((await stack.up()).status).toBe(0);
        });

        it("5. the node agent on and off: created and removed without replacing the cluster; with it on, a sampling change replaces cluster and agent cleanly", async () => {
            const kubeconfig = () => stack.outputs().kubeconfig;
            const first = kubeconfig();
            stack.writeConfig(base({ samplingRatePerMillion: 500000, inClusterCollector: true }));
            expect(await stack.plan()).not.toHaveProperty("kubernetes-cluster");
            const on = await withImagesLoaded(stack, [images.agentImage], () => stack.up());
            expect([on.status, on.stderr]).toEqual([0, ""]);
            expect(kubeconfig()).toBe(first);
            expect(stack.resources().map((r) => r.name)).toContain("node-agent-daemonset");
            expect(daemonSetReady(stack)).toEqual({ desired: 1, ready: 1 });

            stack.writeConfig(base({ samplingRatePerMillion: 250000, inClusterCollector: true, workers: 1 }));
            const replaced = await withImagesLoaded(stack, [images.agentImage], () => stack.up());
            expect(replaced.stdout).not.toContain("client connection is closing");
            expect([replaced.status, replaced.stderr]).toEqual([0, ""]);
            figures.push(`sampling and workers change with the agent on (cluster and agent replaced): ${replaced.ms} ms`);
            // pulumi up returned once every node's agent was ready (the README says so).
            expect(daemonSetReady(stack)).toEqual({ desired: 2, ready: 2 });
            expect(verify(stack).status).toBe(0);

            stack.writeConfig(base({ samplingRatePerMillion: 250000, workers: 1 }));
            const before = kubeconfig();
            const off = await stack.up();
            expect([off.status, off.stderr]).toEqual([0, ""]);
            expect(kubeconfig()).toBe(before);
            expect(stack.resources().map((r) => r.name)).not.toContain("node-agent-daemonset");
            expect(kubectl(stack, ["get", "namespace", "kubetracing", "--ignore-not-found", "-o", "name"]).trim()).toBe("");
        });

        it("7. dockerd restarted: `up --refresh` brings the outputs back to the live ports", async () => {
            const before = stack.outputs().jaegerUrl;
            // As a machine's Docker restarts: the containers stop with the daemon and come back with it (restart: unless-stopped).
            expect(testDocker("halt")).toBe(0);
            expect(testDocker("start")).toBe(0);
            await new Promise((r) => setTimeout(r, 3000));
            const live = `http://127.0.0.1:${/:(\d+)$/.exec(docker("port", `kubetracing-${stack.name}-jaeger`, "16686/tcp").stdout.trim())![1]}`;
            const refreshed = await stack.up("--refresh");
            expect(refreshed.status).toBe(0);
            expect(stack.outputs().jaegerUrl).toBe(live);
            figures.push(`jaegerUrl before the restart ${before}, after the refresh ${live}`);
        });

        it("8. destroy with Docker down fails loudly and keeps the state; once Docker is back it leaves nothing", async () => {
            expect(testDocker("halt")).toBe(0);
            const down = await stack.destroy();
            expect(down.status).not.toBe(0);
            expect(stack.resources().length).toBeGreaterThan(0);
            expect(testDocker("start")).toBe(0);
            const destroyed = await stack.destroy();
            expect([destroyed.status, destroyed.stderr]).toEqual([0, ""]);
            expect(leftovers(stack)).toEqual([]);
            expect(stack.resources().filter((r) => !r.type.startsWith("pulumi:"))).toEqual([]);
        });
    });

    it("6. a failing create (an image that does not exist): a short error naming the cause, nothing left, and the next up works", async () => {
        const stack = new TestStack(tools, `lf${process.pid}`, base({ nodeImage: "kubetracing.local/node:v0.0.0-missing" }));
        try {
            const failed = await stack.up();
            expect(failed.status).not.toBe(0);
            const error = failed.stdout + failed.stderr;
            figures.push(`a failing create's output (${error.length} characters):\n${error}`);
            // What pulumi says about the cluster's Command (its progress lines repeat it): the cause, no script.
            const diagnostics = error.slice(error.indexOf("command:local:Command (kubernetes-cluster):"));
            const clusterError = diagnostics.slice(0, diagnostics.indexOf("\n\n"));
            expect(clusterError).toMatch(/failed to pull image "kubetracing.local\/node:v0\.0\.0-missing"/);
            expect(clusterError).toMatch(/creating cluster kubetracing-lf\d+ failed \(exit 1\); removing what the attempt left/);
            expect(clusterError).not.toContain("KUBETRACING_FILE_0_EOF");
            expect(clusterError.length).toBeLessThan(1500);
            expect(leftovers(stack).filter((l) => !/jaeger|collector|-net$/.test(l))).toEqual([]);
            expect(Object.keys(stack.outputs())).not.toContain("kubeconfig");
            stack.writeConfig(base());
            expect((await stack.up()).status).toBe(0);
        } finally {
            await stack.destroy();
        }
    });

    it("9. examples/consumer on the main stack: only its own resources, and its spans reach Jaeger through the node agent with the pod's metadata", async () => {
        const main = new TestStack(tools, `lm${process.pid}`, base({ inClusterCollector: true }));
        const consumer = new TestStack(
            tools,
            `lk${process.pid}`,
            {
                "kubetracing-consumer:tracingStack": `organization/kubetracing/lm${process.pid}`,
                "kubetracing-consumer:telemetrygenImage": tools.telemetrygenImage,
            },
            { project: path.join(PROJECT_DIR, "examples", "consumer"), backend: path.join(main.dir, "backend") },
        );
        try {
            expect((await withImagesLoaded(main, [images.agentImage], () => main.up())).status).toBe(0);
            kindLoad(main, tools.telemetrygenImage);
            const up = await consumer.up();
            // On failure the engine's message is in stdout.
            expect([up.status, up.stderr, up.status === 0 ? "" : up.stdout]).toEqual([0, "", ""]);
            expect(up.stdout).not.toContain("Undefined value");
            expect(
                consumer
                    .resources()
                    .map((r) => r.type)
                    .filter((t) => !t.startsWith("pulumi:")),
            ).toEqual(["kubernetes:apps/v1:Deployment"]);
            expect(consumer.outputs().jaegerUrl).toBe(main.outputs().jaegerUrl);

            // Its spans in the main stack's Jaeger, with what the agent's k8sattributes adds.
            const jaeger = String(main.outputs().jaegerUrl);
            let tags: Record<string, string> = {};
            for (let i = 0; i < 60 && !tags["k8s.pod.name"]; i++) {
                const r = await fetch(`${jaeger}/api/traces?service=kubetracing-consumer&limit=1&lookback=1h`).then(
                    (x) => x.json(),
                    () => ({}),
                );
                const trace = (r as { data?: { processes: Record<string, { tags: { key: string; value: string }[] }> }[] }).data?.[0];
                for (const process of Object.values(trace?.processes ?? {})) tags = Object.fromEntries(process.tags.map((t) => [t.key, String(t.value)]));
                if (!tags["k8s.pod.name"]) await new Promise((r) => setTimeout(r, 2000));
            }
            expect(tags["k8s.pod.name"]).toMatch(/^telemetrygen-/);
            expect(tags["k8s.namespace.name"]).toBe("default");
            expect(tags["k8s.node.name"]).toBe(`kubetracing-lm${process.pid}-control-plane`);
            figures.push(`the consumer's span, as Jaeger holds it: ${JSON.stringify(tags)}`);
        } finally {
            await consumer.destroy();
            await main.destroy();
        }
    });

    it("11. scripts/pr-preview.sh on two local revisions: the plan names the cluster's replacement and why, and nothing is left", () => {
        // A repository of this checkout's files (committed as the base), whose working tree then changes a setting the nodes read.
        const repo = tempDir("pr-repo");
        const files = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: PROJECT_DIR, encoding: "utf8" })
            .stdout.split("\0")
            .filter(Boolean);
        for (const f of files) {
            if (!fs.existsSync(path.join(PROJECT_DIR, f))) continue;
            fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
            fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(repo, f));
        }
        const git = (...args: string[]) => {
            const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: repo, encoding: "utf8" });
            if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
        };
        git("init", "-q");
        git("add", "-A");
        git("commit", "-qm", "base");
        // After the commit: git's `node_modules/` pattern matches a directory, not a link, so the base would hold it.
        fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(repo, "node_modules"));
        const dev = path.join(repo, "Pulumi.dev.yaml");
        fs.writeFileSync(dev, fs.readFileSync(dev, "utf8").replace(/^config:\n/m, "config:\n  kubetracing:samplingRatePerMillion: 500000\n"));
        // The local images, on both revisions (no registry here).
        const settings = path.join(tempDir("pr-settings"), "local.yaml");
        const local = base();
        fs.writeFileSync(
            settings,
            `config:\n${Object.entries(local)
                .filter(([k]) => !["engine", "kubernetesVersion", "samplingRatePerMillion"].includes(k))
                .map(([k, v]) => `  kubetracing:${k}: ${JSON.stringify(v)}`)
                .join("\n")}\n`,
        );
        const env = {
            ...process.env,
            PATH: `${tools.cluster.pathFor("1.34")}:${path.dirname(tools.pulumi)}:${process.env.PATH}`,
            DOCKER_HOST: tools.cluster.dockerHost,
            TMPDIR: tempDir("pr-tmp"),
        };
        const started = Date.now();
        const r = spawnSync("bash", [path.join(repo, "scripts", "pr-preview.sh"), "HEAD", settings], { cwd: repo, env, encoding: "utf8", timeout: 900_000 });
        figures.push(`pr-preview.sh (base up, two previews, destroy): ${Date.now() - started} ms`);
        expect([r.status, r.stderr.replace(/^warning: using pulumi-language-nodejs from \$PATH at .*\n/gm, "")]).toEqual([0, ""]);
        expect(r.stdout).toContain("### Pulumi's plan (dev stack): HEAD → this change");
        expect(r.stdout).toMatch(/^\| replace \| `kubernetes-cluster` \| .*`triggers`/m);
        expect(r.stdout).not.toMatch(/`backend-(jaeger|collector|network)`/);
        expect(r.stdout).toMatch(/^Summary: .*\d to replace/m);
        figures.push(`pr-preview.sh's summary:\n${r.stdout.slice(0, r.stdout.indexOf("```"))}`);
        // Nothing of the throwaway stack is left: containers, network, worktree, temp directory.
        expect(docker("ps", "-a", "--format", "{{.Names}}").stdout).not.toContain("pr-preview");
        expect(docker("network", "ls", "--format", "{{.Name}}").stdout).not.toContain("pr-preview");
        expect(spawnSync("git", ["worktree", "list"], { cwd: repo, encoding: "utf8" }).stdout.trim().split("\n")).toHaveLength(1);
        expect(fs.readdirSync(env.TMPDIR)).toEqual([]);
    });

    it("10. two stacks side by side, then both destroyed, leave nothing", async () => {
        const a = new TestStack(tools, `la${process.pid}`, base());
        const b = new TestStack(tools, `lb${process.pid}`, base());
        try {
            const [upA, upB] = await Promise.all([a.up(), b.up()]);
            expect([upA.status, upB.status]).toEqual([0, 0]);
            expect(a.outputs().jaegerUrl).not.toBe(b.outputs().jaegerUrl);
        } finally {
            await a.destroy();
            await b.destroy();
        }
        expect([...leftovers(a), ...leftovers(b)]).toEqual([]);
    });
});
