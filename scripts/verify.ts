// npm run verify -- --stack NAME            (reads `pulumi stack output --json --show-secrets`)
// npm run verify -- --outputs outputs.json   (a JSON file of those outputs)
//   [--json] [--timeout SECONDS] [--no-activity]
//
// Creates and deletes a small pod so the control plane has work to trace, then asks Jaeger's API v3
// for each traced component's spans. Prints a table (or JSON); exit 0 all found (a component the
// node image cannot trace, listed in the tracingGaps output, is reported but fails nothing), 1 some
// missing, 2 bad usage or outputs (or the test pod could not be made, or the stack runs no local
// Jaeger), 3 Jaeger unreachable or answering wrongly.
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import { parseArgs } from "util";
import { COMPONENTS, pinnedImage, TracedComponent } from "../settings/settings";
import { Activity, EXIT, formatTable, verify, VerifyOutputs, VerifyReport } from "./verify-core";
import { kubeApiFrom } from "./kube-api";

/** Pinned image of the pod verify runs. */
export const ACTIVITY_IMAGE = "busybox:1.36.1";
const USAGE = "usage: npm run verify -- (--stack NAME | --outputs FILE) [--json] [--timeout SECONDS] [--no-activity] [--pod-image IMAGE]";
/** What --help prints. */
export const HELP = `${USAGE}

Makes the control plane work (a small test pod, created and deleted), then asks the stack's Jaeger
for spans of every traced component, and says what is missing and its likely cause.

  --stack NAME        read \`pulumi stack output --json --show-secrets --stack NAME\`
  --outputs FILE      read a JSON file of those outputs
  --json              one JSON report on stdout, errors included
  --timeout SECONDS   the whole run's limit (default 180)
  --no-activity       create no test pod; only ask Jaeger
  --pod-image IMAGE   the test pod's image (default ${ACTIVITY_IMAGE}), e.g. a registry mirror's copy
  -h, --help          print this and exit

Exit codes: 0 every traced component has spans, 1 some are missing, 2 bad usage or outputs,
3 Jaeger unreachable or answering wrongly.
`;
/** Jaeger's answers to verify's queries are small (num_traces=100); anything bigger is not one. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Longest --timeout taken: a day. */
const MAX_TIMEOUT_SECONDS = 86_400;

/** GET with a deadline on the whole exchange (a trickling answer is cut off too) and a bounded body. */
export async function httpGet(url: string, timeoutMs: number, maxBytes = MAX_BODY_BYTES): Promise<{ status: number; body: string }> {
    const signal = AbortSignal.timeout(Math.max(1, timeoutMs));
    try {
        // A redirect is an answer verify does not expect from Jaeger: report it, do not follow it.
        const response = await fetch(url, { signal, redirect: "manual" });
        const chunks: Uint8Array[] = [];
        let size = 0;
        if (response.body) {
            for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
                size += chunk.byteLength;
                if (size > maxBytes) {
                    await response.body.cancel().catch(() => undefined);
                    throw new Error(`the answer is larger than ${maxBytes} bytes`);
                }
                chunks.push(chunk);
            }
        }
        return { status: response.status, body: Buffer.concat(chunks).toString("utf8") };
    } catch (err) {
        if (signal.aborted) throw new Error(`no complete answer within ${(timeoutMs / 1000).toFixed(1)}s`, { cause: err });
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(cause?.code ?? cause?.message ?? (err as Error).message, { cause: err });
    }
}

/** The fields of the API server's answers the test activity reads. */
interface KubeObject {
    metadata?: { uid?: string; creationTimestamp?: string; namespace?: string; name?: string };
    status?: {
        phase?: string;
        conditions?: { type?: string; lastTransitionTime?: string }[];
        containerStatuses?: { state?: { running?: { startedAt?: string }; terminated?: { startedAt?: string } } }[];
    };
}

/** What the API server says of a pod's start: its creation, its scheduling and its first container's start (each second resolution). */
export function podTimes(pod: KubeObject): { createdMs?: number; scheduledMs?: number; startedMs?: number } {
    const time = (text: string | undefined) => (text && !Number.isNaN(Date.parse(text)) ? Date.parse(text) : undefined);
    const state = pod.status?.containerStatuses?.[0]?.state;
    const times = {
        createdMs: time(pod.metadata?.creationTimestamp),
        scheduledMs: time(pod.status?.conditions?.find((c) => c.type === "PodScheduled")?.lastTransitionTime),
        startedMs: time(state?.running?.startedAt ?? state?.terminated?.startedAt),
    };
    return Object.fromEntries(Object.entries(times).filter(([, v]) => v !== undefined));
}

/** A W3C traceparent: version 00, a trace id, a parent span id, sampled. */
export function newTraceparent(): { traceId: string; header: string } {
    const traceId = randomBytes(16).toString("hex");
    return { traceId, header: `00-${traceId}-${randomBytes(8).toString("hex")}-01` };
}

/**
 * The test pod, created, awaited and deleted through the API server with the stack's kubeconfig, every
 * request carrying one traceparent: a caller in system:masters (or system:monitoring) has the API server
 * join that trace, any other caller gets a trace of the API server's own with a link to it
 * (k8s.io/apiserver pkg/endpoints/filters/traces.go, notSystemPrivilegedGroup). Also reads when the
 * cluster was created, so spans of an earlier cluster in the same Jaeger do not count.
 */
export function podActivity(kubeconfig: string, image = ACTIVITY_IMAGE): (timeoutMs: number) => Promise<Activity> {
    return async (timeoutMs) => {
        const started = Date.now();
        const left = () => Math.max(1, timeoutMs - (Date.now() - started));
        const api = kubeApiFrom(kubeconfig);
        const trace = newTraceparent();
        const call = async (method: string, path: string, body?: unknown): Promise<KubeObject> => {
            const answer = await api.request(method, path, { body, headers: { traceparent: trace.header }, timeoutMs: Math.min(10_000, left()) });
            if (answer.status >= 300) throw new Error(`${method} ${path} answered HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
            return JSON.parse(answer.body);
        };
        const kubeSystem = await call("GET", "/api/v1/namespaces/kube-system");
        const namespace = "default";
        // A pod needs its namespace's default ServiceAccount, which the controller manager makes a moment
        // after the cluster is up: a create before it is refused ("serviceaccount \"default\" not found").
        const accountBy = Date.now() + Math.min(60_000, left());
        while (Date.now() < accountBy) {
            const account = await api.request("GET", `/api/v1/namespaces/${namespace}/serviceaccounts/default`, {
                headers: { traceparent: trace.header },
                timeoutMs: Math.min(10_000, left()),
            });
            if (account.status === 200) break;
            await new Promise((r) => setTimeout(r, 1000));
        }
        const name = `kubetracing-verify-${Date.now().toString(36)}`;
        const pod = await call("POST", `/api/v1/namespaces/${namespace}/pods`, {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name, labels: { "app.kubernetes.io/managed-by": "kubetracing-verify" } },
            spec: {
                restartPolicy: "Never",
                terminationGracePeriodSeconds: 0,
                containers: [{ name: "verify", image, command: ["echo", "hi"] }],
            },
        });
        let last: KubeObject = pod;
        try {
            // Its spans come whether or not the pod gets to finish; the create above must succeed.
            const until = Date.now() + Math.min(120_000, left());
            while (Date.now() < until) {
                last = await call("GET", `/api/v1/namespaces/${namespace}/pods/${name}`);
                if (last.status?.phase === "Succeeded" || last.status?.phase === "Failed") break;
                await new Promise((r) => setTimeout(r, 1000));
            }
        } finally {
            await call("DELETE", `/api/v1/namespaces/${namespace}/pods/${name}`).catch(() => undefined);
        }
        const clusterCreatedMs = Date.parse(kubeSystem.metadata?.creationTimestamp ?? "");
        if (Number.isNaN(clusterCreatedMs)) throw new Error("the API server's kube-system namespace has no creationTimestamp");
        return {
            clusterCreatedMs,
            startedMs: started,
            endedMs: Date.now(),
            traceId: trace.traceId,
            pod: { namespace, name, uid: pod.metadata?.uid ?? "", ...podTimes(last) },
        };
    };
}

type Outputs = VerifyOutputs & { kubeconfig?: string };

/** The outputs verify needs, checked: a problem names the output and what is expected. */
export function checkOutputs(value: unknown): Outputs {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new Error(
            `the outputs are ${value === null ? "null" : Array.isArray(value) ? "a list" : typeof value}, not an object of stack outputs; is this a kubetracing stack?`,
        );
    }
    const o = value as Record<string, unknown>;
    if (o.exporters !== undefined && (!Array.isArray(o.exporters) || o.exporters.some((e) => typeof e !== "string"))) {
        throw new Error(`exporters ${JSON.stringify(o.exporters)}: expected a list of exporter names`);
    }
    if (o.jaegerUrl === undefined && Array.isArray(o.exporters) && o.exporters.length && Array.isArray(o.tracedComponents)) {
        // kubetracing:localJaeger false: nothing here verify can ask.
        throw new Error(
            `this stack runs no local Jaeger (kubetracing:localJaeger is false), and verify can only ask a local Jaeger; ` +
                `its spans go to the exporters ${o.exporters.join(", ")}: look there for the services ${o.tracedComponents.join(", ")}`,
        );
    }
    if (typeof o.jaegerUrl !== "string" || typeof o.tracedComponents === "undefined") {
        throw new Error("the outputs have no jaegerUrl or tracedComponents; is this a kubetracing stack?");
    }
    let url: URL | undefined;
    try {
        url = new URL(o.jaegerUrl);
    } catch {
        url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password || url.search || url.hash) {
        throw new Error(`jaegerUrl ${JSON.stringify(o.jaegerUrl)}: expected an http:// or https:// URL such as http://127.0.0.1:32771`);
    }
    const traced = o.tracedComponents;
    if (
        !Array.isArray(traced) ||
        traced.length === 0 ||
        traced.some((c) => !(COMPONENTS as readonly unknown[]).includes(c)) ||
        new Set(traced).size !== traced.length
    ) {
        throw new Error(`tracedComponents ${JSON.stringify(traced)}: expected a non-empty list of distinct components from ${COMPONENTS.join(", ")}`);
    }
    if (o.kubeconfig !== undefined && typeof o.kubeconfig !== "string") throw new Error("kubeconfig: expected the kubeconfig's text");
    return { ...(o as unknown as Outputs), tracedComponents: traced as TracedComponent[] };
}

export function readOutputs(stack: string | undefined, file: string | undefined): unknown {
    if (file) return JSON.parse(fs.readFileSync(file, "utf8"));
    const text = execFileSync("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", stack!], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(text);
}

export async function main(argv: string[]): Promise<number> {
    const asJson = argv.includes("--json");
    const stop = (exitCode: 2, error: string, withUsage = false): number => {
        if (asJson) process.stdout.write(JSON.stringify({ exitCode, components: [], error } satisfies Omit<VerifyReport, "jaegerUrl">, null, 2) + "\n");
        console.error(`verify: ${error}${withUsage ? `\n${USAGE}` : ""}`);
        return exitCode;
    };
    let values: { stack?: string; outputs?: string; timeout?: string; json?: boolean; "no-activity"?: boolean; "pod-image"?: string; help?: boolean };
    try {
        values = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                outputs: { type: "string" },
                timeout: { type: "string" },
                json: { type: "boolean" },
                "no-activity": { type: "boolean" },
                "pod-image": { type: "string" },
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
    const podImage = values["pod-image"] ?? ACTIVITY_IMAGE;
    const imageProblem = pinnedImage(podImage);
    if (imageProblem) return stop(EXIT.usage, `--pod-image ${podImage}: ${imageProblem}`, true);
    const timeoutText = values.timeout ?? "180";
    const timeoutSeconds = /^\d+(\.\d+)?$/.test(timeoutText) ? Number(timeoutText) : NaN;
    if (!(timeoutSeconds > 0 && timeoutSeconds <= MAX_TIMEOUT_SECONDS)) {
        return stop(EXIT.usage, `--timeout ${timeoutText}: expected a positive number of seconds, at most ${MAX_TIMEOUT_SECONDS}`, true);
    }

    let outputs: Outputs;
    try {
        outputs = checkOutputs(readOutputs(values.stack, values.outputs));
    } catch (err) {
        return stop(EXIT.usage, `cannot use the stack outputs: ${(err as Error).message}`);
    }
    const noActivity = values["no-activity"] === true || !outputs.kubeconfig;
    const report = await verify(
        outputs,
        {
            get: (url, timeoutMs) => httpGet(url, timeoutMs),
            activity: noActivity ? async () => undefined : podActivity(outputs.kubeconfig!, podImage),
            now: () => Date.now(),
            sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        },
        { timeoutMs: timeoutSeconds * 1000, pollMs: 3000, lookbackMs: 15 * 60_000 },
    );
    process.stdout.write(asJson ? JSON.stringify(report, null, 2) + "\n" : formatTable(report));
    return report.exitCode;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err) => {
            // A bug, not a verdict: say so, with the exit code of "could not check".
            console.error(`verify: internal error: ${(err as Error).stack ?? err}`);
            process.exit(EXIT.usage);
        },
    );
}
