// npm run verify -- --stack NAME            (reads `pulumi stack output --json --show-secrets`)
// npm run verify -- --outputs outputs.json   (a JSON file of those outputs)
//   [--json] [--timeout SECONDS] [--no-activity]
//
// Creates and deletes a small pod so the control plane has work to trace, then asks Jaeger's API v3
// for each traced component's spans. Prints a table (or JSON); exit 0 all found, 1 some missing,
// 2 bad usage or outputs, 3 Jaeger unreachable.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { EXIT, formatTable, verify, VerifyOutputs } from "./verify-core";

/** Pinned image of the pod verify runs. */
export const ACTIVITY_IMAGE = "busybox:1.36.1";
const USAGE = "usage: npm run verify -- (--stack NAME | --outputs FILE) [--json] [--timeout SECONDS] [--no-activity]";

export function httpGet(url: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = http.get(url, { timeout: 10_000 }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error("timed out")));
        req.on("error", reject);
    });
}

/** `kubectl run … -- echo hi`, wait for it, delete it: the tutorials' way to make the control plane work. */
function podActivity(kubeconfig: string): () => Promise<void> {
    return async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubetracing-verify-"));
        const file = path.join(dir, "kubeconfig");
        fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
        const pod = `kubetracing-verify-${Date.now().toString(36)}`;
        const kubectl = (...args: string[]) => spawnSync("kubectl", ["--kubeconfig", file, ...args], { encoding: "utf8" });
        try {
            const run = kubectl("run", pod, `--image=${ACTIVITY_IMAGE}`, "--restart=Never", "--command", "--", "echo", "hi");
            if (run.status !== 0) throw new Error(`kubectl run failed: ${run.stderr || run.error}`);
            kubectl("wait", `pod/${pod}`, "--for=jsonpath={.status.phase}=Succeeded", "--timeout=120s");
            kubectl("delete", "pod", pod, "--wait=true", "--timeout=60s");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    };
}

function readOutputs(args: Record<string, string>): VerifyOutputs & { kubeconfig?: string } {
    if (args.outputs) return JSON.parse(fs.readFileSync(args.outputs, "utf8"));
    const text = execFileSync("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", args.stack], { encoding: "utf8" });
    return JSON.parse(text);
}

export async function main(argv: string[]): Promise<number> {
    const args: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json" || a === "--no-activity") args[a.slice(2)] = "true";
        else if (/^--(stack|outputs|timeout)$/.test(a) && argv[i + 1] !== undefined) args[a.slice(2)] = argv[++i];
        else return usage(`unknown argument ${a}`);
    }
    if (!args.stack && !args.outputs) return usage("--stack or --outputs is needed");
    const timeoutSeconds = Number(args.timeout ?? 180);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) return usage(`--timeout ${args.timeout}: expected a positive number of seconds`);

    let outputs: VerifyOutputs & { kubeconfig?: string };
    try {
        outputs = readOutputs(args);
    } catch (err) {
        console.error(`verify: cannot read the stack outputs: ${(err as Error).message}`);
        return EXIT.usage;
    }
    if (typeof outputs.jaegerUrl !== "string" || !Array.isArray(outputs.tracedComponents)) {
        console.error("verify: the outputs have no jaegerUrl or tracedComponents; is this a kubetracing stack?");
        return EXIT.usage;
    }
    const noActivity = args["no-activity"] === "true" || !outputs.kubeconfig;
    if (!noActivity && spawnSync("kubectl", ["version", "--client"]).status !== 0) {
        console.error("verify: kubectl is not on PATH (needed to create the test pod); install it or pass --no-activity");
        return EXIT.usage;
    }
    const report = await verify(outputs, {
        get: httpGet,
        activity: noActivity ? async () => undefined : podActivity(outputs.kubeconfig!),
        now: () => Date.now(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    }, { timeoutMs: timeoutSeconds * 1000, pollMs: 3000, lookbackMs: 15 * 60_000 });
    process.stdout.write(args.json === "true" ? JSON.stringify(report, null, 2) + "\n" : formatTable(report));
    return report.exitCode;
}

function usage(problem: string): number {
    console.error(`verify: ${problem}\n${USAGE}`);
    return EXIT.usage;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
