// npm run explain -- (--stack NAME | --outputs FILE) [--pod NAMESPACE/NAME] [--pod-image IMAGE] [--json] [--timeout SECONDS]
//
// Explains a pod's start from the control plane's traces: creates the test pod (as verify does, under a
// traceparent of its own) or takes an existing one, then assembles from Jaeger's API v3 the API server's
// create and its etcd writes, the kubelet's syncPod and containerd's sandbox, image and container calls,
// and prints a waterfall with the critical path. Exit 0 explained, 1 its traces are not in Jaeger
// (sampling, or a component not traced), 2 bad usage or outputs, or the pod could not be made or read,
// 3 Jaeger unreachable or answering wrongly.
import { parseArgs } from "util";
import { ACTIVITY_IMAGE, checkOutputs, httpGet, podActivity, podTimes, readOutputs } from "./verify";
import { EXIT, JaegerAnswerError } from "./verify-core";
import { kubeApiFrom } from "./kube-api";
import { ms, Span, spansOfAnswer } from "./otlp-json";
import { assemblePodStart, formatPodStart, PodFacts, PodStart, PodStartError } from "./pod-start";
import { pinnedImage } from "../settings/settings";

const USAGE = "usage: npm run explain -- (--stack NAME | --outputs FILE) [--pod NAMESPACE/NAME] [--pod-image IMAGE] [--json] [--timeout SECONDS]";
export const HELP = `${USAGE}

Explains a pod's start from the control plane's traces: the API server's create and its etcd writes,
the kubelet's syncPod, containerd's RunPodSandbox, image, CreateContainer and StartContainer, and the
scheduler's binding (from the pod's PodScheduled condition: the scheduler has no tracing upstream).
Prints a waterfall and the critical path with each step's share, and a Jaeger link to each trace.

  --stack NAME        read \`pulumi stack output --json --show-secrets --stack NAME\`
  --outputs FILE      read a JSON file of those outputs
  --pod NS/NAME       explain this pod's start (default: create a test pod, as verify does)
  --pod-image IMAGE   the test pod's image (default ${ACTIVITY_IMAGE})
  --json              the same as JSON on stdout, errors included
  --timeout SECONDS   the whole run's limit (default 120)
  -h, --help          print this and exit

Exit codes: 0 explained, 1 its traces are not in Jaeger, 2 bad usage or outputs (or the pod could not
be made or read), 3 Jaeger unreachable or answering wrongly.
`;

const iso = (t: number) => new Date(t).toISOString();

interface Found {
    syncPod?: Span[];
    create?: Span[];
}

/** The kubelet's syncPod trace of the pod's create, and the API server's trace of its create, if Jaeger has them. */
async function findTraces(jaegerUrl: string, pod: PodFacts, traceId: string | undefined, timeoutMs: number): Promise<Found> {
    const get = async (path: string) => spansOfAnswer(await httpGet(`${jaegerUrl}${path}`, Math.min(10_000, timeoutMs)), path.split("?")[0]);
    const window = (service: string, from: number, to: number) =>
        `/api/v3/traces?query.service_name=${service}&query.start_time_min=${iso(from)}&query.start_time_max=${iso(to)}&query.num_traces=1000`;
    const end = (pod.startedMs ?? pod.createdMs) + 60_000;
    const kubelet = await get(window("kubelet", pod.createdMs - 5_000, end));
    const sync = kubelet.find((s) => s.name === "syncPod" && s.attributes["k8s.pod.uid"] === pod.uid && s.attributes["k8s.pod.update_type"] === "create");
    const found: Found = {};
    if (sync) found.syncPod = await get(`/api/v3/traces/${sync.traceId}`);
    // The API server's create: in the caller's own trace (a system:masters caller), else its own trace that links to it;
    // for a pod it did not create, the POST to the pod's namespace that ended closest to its creationTimestamp.
    const posts = (spans: Span[]) =>
        spans.filter((s) => s.service === "apiserver" && !s.parentSpanId && s.name === "POST /api/v1/namespaces/{:namespace}/pods");
    let post = traceId ? posts(await get(`/api/v3/traces/${traceId}`))[0] : undefined;
    if (!post) {
        const around = posts(await get(window("apiserver", pod.createdMs - 5_000, pod.createdMs + 5_000)));
        post = traceId
            ? around.find((s) => s.links.some((l) => l.traceId === traceId))
            : around
                  .filter((s) => s.attributes["http.target"] === `/api/v1/namespaces/${pod.namespace}/pods`)
                  .sort((a, b) => Math.abs(ms(a.endNs) - pod.createdMs) - Math.abs(ms(b.endNs) - pod.createdMs))[0];
    }
    if (post) found.create = await get(`/api/v3/traces/${post.traceId}`);
    return found;
}

export async function main(argv: string[]): Promise<number> {
    const asJson = argv.includes("--json");
    const stop = (exitCode: number, error: string, withUsage = false) => {
        if (asJson) process.stdout.write(JSON.stringify({ exitCode, error }, null, 2) + "\n");
        console.error(`explain: ${error}${withUsage ? `\n${USAGE}` : ""}`);
        return exitCode;
    };
    let values: { stack?: string; outputs?: string; pod?: string; "pod-image"?: string; json?: boolean; timeout?: string; help?: boolean };
    try {
        values = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                outputs: { type: "string" },
                pod: { type: "string" },
                "pod-image": { type: "string" },
                json: { type: "boolean" },
                timeout: { type: "string" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
            allowPositionals: false,
        }).values;
    } catch (err) {
        return stop(EXIT.usage, (err as Error).message, true);
    }
    if (values.help) {
        process.stdout.write(HELP);
        return EXIT.ok;
    }
    if (!values.stack === !values.outputs) return stop(EXIT.usage, "give exactly one of --stack or --outputs", true);
    const timeoutText = values.timeout ?? "120";
    const timeoutSeconds = /^\d+(\.\d+)?$/.test(timeoutText) ? Number(timeoutText) : NaN;
    if (!(timeoutSeconds > 0 && timeoutSeconds <= 86_400))
        return stop(EXIT.usage, `--timeout ${timeoutText}: expected a positive number of seconds, at most 86400`, true);
    const podArg = values.pod === undefined ? undefined : /^([a-z0-9-]{1,63})\/([a-z0-9.-]{1,253})$/.exec(values.pod);
    if (values.pod !== undefined && !podArg) return stop(EXIT.usage, `--pod ${values.pod}: expected NAMESPACE/NAME, e.g. default/web-0`, true);
    const podImage = values["pod-image"] ?? ACTIVITY_IMAGE;
    const imageProblem = pinnedImage(podImage);
    if (imageProblem) return stop(EXIT.usage, `--pod-image ${podImage}: ${imageProblem}`, true);

    const deadline = Date.now() + timeoutSeconds * 1000;
    let outputs;
    try {
        outputs = checkOutputs(readOutputs(values.stack, values.outputs));
        if (!outputs.kubeconfig) throw new Error("they hold no kubeconfig: does the stack's cluster exist?");
    } catch (err) {
        return stop(EXIT.usage, `cannot use the stack outputs: ${(err as Error).message}`);
    }
    const jaegerUrl = outputs.jaegerUrl.replace(/\/$/, "");

    let pod: PodFacts;
    let traceId: string | undefined;
    try {
        if (podArg) {
            const answer = await kubeApiFrom(outputs.kubeconfig).request("GET", `/api/v1/namespaces/${podArg[1]}/pods/${podArg[2]}`);
            if (answer.status !== 200) throw new Error(`GET pod ${values.pod} answered HTTP ${answer.status}: ${answer.body.slice(0, 200)}`);
            const object = JSON.parse(answer.body);
            const times = podTimes(object);
            if (times.createdMs === undefined) throw new Error(`pod ${values.pod} has no creationTimestamp`);
            pod = { namespace: podArg[1], name: podArg[2], uid: object.metadata?.uid ?? "", createdMs: times.createdMs, ...times };
        } else {
            const activity = await podActivity(outputs.kubeconfig, podImage)(deadline - Date.now());
            traceId = activity.traceId;
            pod = { ...activity.pod, createdMs: activity.pod.createdMs ?? activity.startedMs };
        }
    } catch (err) {
        return stop(EXIT.usage, `could not ${podArg ? "read" : "create"} the pod with the stack's kubeconfig: ${(err as Error).message}`);
    }

    const traced = (c: "etcd" | "containerd") => outputs.tracedComponents.includes(c) && !outputs.tracingGaps?.[c];
    const expect = { etcd: traced("etcd"), containerd: traced("containerd") };
    // Spans reach Jaeger in the exporters' batches (every 5 s): ask until both traces are there, or the time is up.
    let start: PodStart | undefined;
    let problem = "";
    for (;;) {
        try {
            const { syncPod, create } = await findTraces(jaegerUrl, pod, traceId, Math.max(1000, deadline - Date.now()));
            // Each component exports in its own batches: wait for the callee's side too (etcd's write, containerd's StartContainer).
            const complete =
                (!expect.containerd || syncPod?.some((s) => s.service === "containerd" && s.name.endsWith("/StartContainer"))) &&
                (!expect.etcd || create?.some((s) => s.service === "etcd"));
            if (syncPod && create && complete) {
                start = assemblePodStart(pod, syncPod, create);
                break;
            }
            problem = syncPod
                ? "the API server's create of the pod is not in Jaeger"
                : "the kubelet's syncPod of the pod is not in Jaeger (is the kubelet traced, and at a rate that sampled this pod?)";
        } catch (err) {
            if (err instanceof PodStartError) problem = err.message;
            else
                return stop(
                    EXIT.jaegerUnreachable,
                    `Jaeger at ${jaegerUrl} ${err instanceof JaegerAnswerError ? "answered wrongly" : "did not answer"}: ${(err as Error).message}`,
                );
        }
        if (Date.now() + 3000 > deadline) break;
        await new Promise((r) => setTimeout(r, 3000));
    }
    if (!start) {
        // Without the API server's side the start can still be told from the kubelet's trace.
        try {
            const found = await findTraces(jaegerUrl, pod, traceId, 10_000);
            if (found.syncPod) start = assemblePodStart(pod, found.syncPod, undefined);
        } catch (err) {
            problem = (err as Error).message;
        }
    }
    if (!start) return stop(EXIT.missing, `cannot explain the start of pod ${pod.namespace}/${pod.name}: ${problem}`);
    process.stdout.write(asJson ? JSON.stringify({ exitCode: EXIT.ok, jaegerUrl, ...start }, null, 2) + "\n" : formatPodStart(start, jaegerUrl));
    return EXIT.ok;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err) => {
            console.error(`explain: internal error: ${(err as Error).stack ?? err}`);
            process.exit(EXIT.usage);
        },
    );
}
