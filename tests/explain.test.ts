// explain's pod start, assembled from traces recorded on a real kind cluster (tests/jaeger-recorded.ts),
// and its command line.
import * as path from "path";
import { spawnSync } from "child_process";
import { assemblePodStart, formatPodStart, PodFacts, PodStartError } from "../scripts/pod-start";
import { ms, Span, spansOfAnswer } from "../scripts/otlp-json";
import { RECORDED, recordedSpans, RecordedSpan } from "./jaeger-recorded";
import { PROJECT_DIR } from "./helpers";

/** The recorded spans as explain reads them from Jaeger (unshifted: the recording's own times). */
function spans(change: (s: RecordedSpan[]) => RecordedSpan[] = (s) => s): { create: Span[]; syncPod: Span[] } {
    const all = change(recordedSpans());
    const answer = (list: RecordedSpan[]) =>
        spansOfAnswer({
            status: 200,
            body: JSON.stringify({
                result: {
                    resourceSpans: list.map((s) => ({
                        resource: { attributes: s.resource },
                        scopeSpans: [{ spans: [{ ...s, service: undefined, resource: undefined }] }],
                    })),
                },
            }),
        });
    return {
        create: answer(all.filter((s) => s.traceId === "d414a194e3229b7192b476b672c5517d")),
        syncPod: answer(all.filter((s) => s.traceId === "853382d93f7a4743692b1cb29b3577dd")),
    };
}

const { create, syncPod } = spans();
const postStart = ms(create.find((s) => s.name.startsWith("POST "))!.startNs);
/** As the API server gave them for the recorded pod, to the second. */
const pod: PodFacts = {
    ...RECORDED.pod,
    createdMs: Math.floor(postStart / 1000) * 1000,
    scheduledMs: Math.floor(postStart / 1000) * 1000,
    startedMs: Math.floor(postStart / 1000) * 1000 + 1000,
};

describe("a pod's start, from the recorded traces", () => {
    const start = assemblePodStart(pod, syncPod, create);

    it("holds every step: the API create and its etcd write, the kubelet's syncPod, containerd's sandbox, image and container calls", () => {
        expect(start.rows.map((r) => `${r.component} ${r.name}`)).toEqual([
            "apiserver POST /api/v1/namespaces/{:namespace}/pods",
            "etcd etcdserverpb.KV/Txn",
            "kubelet syncPod",
            "containerd runtime.v1.RuntimeService/RunPodSandbox",
            "containerd runtime.v1.ImageService/ImageStatus",
            "containerd runtime.v1.ImageService/ImageStatus",
            "containerd runtime.v1.RuntimeService/CreateContainer",
            "containerd runtime.v1.RuntimeService/StartContainer",
        ]);
        expect(start.traceIds).toEqual(["d414a194e3229b7192b476b672c5517d", "853382d93f7a4743692b1cb29b3577dd"]);
    });

    it("its critical path's steps explain at least 90 % of the start, from the API create to StartContainer's end", () => {
        const startContainer = syncPod.find((s) => s.service === "kubelet" && s.name.endsWith("/StartContainer"))!;
        expect(start.totalMs).toBe(ms(startContainer.endNs) - postStart);
        const explained = start.criticalPath.reduce((sum, s) => sum + s.ms, 0);
        expect(explained / start.totalMs).toBeGreaterThanOrEqual(0.9);
        expect(explained).toBeLessThanOrEqual(start.totalMs);
        expect(start.criticalPath.map((s) => s.step)).toEqual([
            "API create (apiserver, etcd write)",
            expect.stringMatching(/^scheduling and the kubelet's watch \(PodScheduled at \d\d:\d\d:\d\d, to the second\)$/),
            "kubelet prepares the pod (syncPod before the sandbox)",
            "sandbox (RunPodSandbox)",
            "image check (ImageStatus, image present)",
            "CreateContainer",
            "StartContainer",
        ]);
    });

    it("prints the waterfall, the critical path with each share, and a link to each trace", () => {
        const text = formatPodStart(start, "http://127.0.0.1:16686");
        expect(text.split("\n")[0]).toBe(`pod default/kubetracing-verify-mxbxd1j6: ${start.totalMs} ms from the API create to its container started`);
        expect(text).toMatch(/\n {5}\+0 ms {2}\|█ {39}\| {5}10 ms {2}apiserver {3}POST \/api\/v1\/namespaces\/\{:namespace\}\/pods\n/);
        expect(text).toMatch(/\n {2}the largest: sandbox \(RunPodSandbox\) 39 %\n/);
        expect(text).toContain("trace: http://127.0.0.1:16686/trace/853382d93f7a4743692b1cb29b3577dd\n");
        expect(text).toContain("note: no PullImage: the image was already on the node (the kubelet only asked ImageStatus)\n");
    });

    it("names an image pull when the kubelet pulled", () => {
        const pulled = spans((all) =>
            all.map((s) => (s.name.endsWith("ImageService/ImageStatus") ? { ...s, name: s.name.replace("ImageStatus", "PullImage") } : s)),
        );
        const withPull = assemblePodStart(pod, pulled.syncPod, pulled.create);
        expect(withPull.criticalPath.map((s) => s.step)).toContain("image pull (PullImage)");
        expect(withPull.notes.join()).not.toContain("no PullImage");
    });

    it("without the API server's create (not sampled), counts from the pod's creationTimestamp and says so", () => {
        const partial = assemblePodStart(pod, syncPod, undefined);
        expect(partial.rows[0].name).toBe("syncPod");
        expect(partial.notes[0]).toMatch(/^the API server's create of the pod is not in Jaeger/);
        expect(partial.criticalPath[0]).toEqual({ step: "API create (apiserver, etcd write)", ms: 0, share: 0 });
    });

    it("refuses to explain a pod its traces do not hold", () => {
        expect(() => assemblePodStart({ ...pod, uid: "another" }, syncPod, create)).toThrow(PodStartError);
        const noStart = syncPod.filter((s) => !s.name.endsWith("/StartContainer"));
        expect(() => assemblePodStart(pod, noStart, create)).toThrow(/holds no StartContainer call: has its container started\?/);
    });
});

describe("npm run explain, the command line", () => {
    const explain = (...args: string[]) =>
        spawnSync(path.join(PROJECT_DIR, "node_modules/.bin/ts-node"), ["--transpile-only", "--swc", "scripts/explain.ts", ...args], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
            timeout: 60_000,
        });

    it("--help prints the usage and options on stdout and exits 0", () => {
        const r = explain("--help");
        expect([r.status, r.stderr]).toEqual([0, ""]);
        expect(r.stdout).toMatch(/^usage: npm run explain -- \(--stack NAME \| --outputs FILE\) \[--pod NAMESPACE\/NAME\]/);
        for (const option of ["  --stack", "  --outputs", "  --pod NS/NAME", "  --pod-image", "  --json", "  --timeout", "-h, --help"])
            expect(r.stdout).toContain(option);
    });

    it.each([
        [["--outputs", "x.json", "--pod", "web-0"], /--pod web-0: expected NAMESPACE\/NAME/],
        [["--outputs", "x.json", "--timeout", "soon"], /--timeout soon: expected a positive number of seconds/],
        [["--pod", "default/web-0"], /give exactly one of --stack or --outputs/],
        [["--outputs", "/nonexistent/outputs.json"], /cannot use the stack outputs: ENOENT/],
    ])("exits 2 for %j, saying why", (args, message) => {
        const r = explain(...args);
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(message);
    });
});
