// Which program `pulumi up` runs in each project directory: tests/language-host-in-child.js loads
// a project through the installed SDK's own language-host entry module (@pulumi/pulumi/cmd/run),
// the resource monitor mocked, and lists what the program registers.
import { spawn } from "child_process";
import * as path from "path";
import { FAKE_KUBECONFIG } from "./pulumi-harness";
import { PROJECT_DIR } from "./helpers";

interface Loaded {
    types: string[];
    stderr: string;
    status: number | null;
}

/** Stops a run after `limitMs`: a program that fails makes the SDK print slowly (source-mapped stacks). */
function loadProject(dir: string, limitMs = 60_000): Promise<Loaded> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [path.join(PROJECT_DIR, "tests", "language-host-in-child.js"), dir], {
            env: { ...process.env, KUBETRACING_FAKE_KUBECONFIG: FAKE_KUBECONFIG },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const guard = setTimeout(() => child.kill("SIGKILL"), limitMs);
        child.on("exit", (status) => {
            clearTimeout(guard);
            const types = stdout
                .split("\n")
                .filter(Boolean)
                .map((l) => JSON.parse(l).type as string);
            resolve({ types, stderr, status });
        });
    });
}

describe("the Node language host's entry point", () => {
    let root: Loaded;
    let consumer: Loaded;
    beforeAll(async () => {
        [root, consumer] = await Promise.all([loadProject(PROJECT_DIR), loadProject(path.join(PROJECT_DIR, "examples", "consumer"))]);
    }, 90_000);

    it("is the tracing stack's index.ts in the repository's root (package.json main)", () => {
        expect(root.stderr).not.toMatch(/error:/);
        expect(root.status).toBe(0);
        expect(root.types).toEqual(expect.arrayContaining(["kubetracing:backend:ObservabilityBackend", "command:local:Command"]));
    });

    it("is examples/consumer/index.ts in examples/consumer (Pulumi.yaml main), not the root package.json's main", () => {
        expect(consumer.types).not.toContain("kubetracing:backend:ObservabilityBackend");
        expect(consumer.stderr).not.toMatch(/error:/);
        expect(consumer.status).toBe(0);
        expect(consumer.types).toEqual(["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference", "pulumi:providers:kubernetes", "kubernetes:apps/v1:Deployment"]);
    });
});
