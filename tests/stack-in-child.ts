// Runs index.ts under Pulumi mocks in a process of its own and prints, on stderr, every rejection
// Pulumi would report as the program's failure. Inside jest those rejections cannot be observed
// (jest fails the test on them), so tests/kubeconfig.test.ts starts this with ts-node.
//
//   KUBETRACING_FAKE_KUBECONFIG=<text> ts-node --transpile-only --swc tests/stack-in-child.ts
import * as pulumi from "@pulumi/pulumi";

const kubeconfigText = process.env.KUBETRACING_FAKE_KUBECONFIG ?? "";
process.on("unhandledRejection", (reason) => {
    console.error(`program failed: ${(reason as Error)?.stack ?? String(reason)}`);
    process.exitCode = 1;
});
pulumi.runtime.setAllConfig({});
void pulumi.runtime.setMocks(
    {
        newResource: (args) => {
            const state: Record<string, unknown> = { ...args.inputs };
            if (args.name.endsWith("-kubeconfig")) state.stdout = kubeconfigText;
            if (args.type === "docker:index/container:Container") {
                state.ports = (args.inputs.ports ?? []).map((p: { internal: number }, i: number) => ({ ...p, external: 32768 + i }));
            }
            return { id: `${args.name}-id`, state };
        },
        call: (args) => args.inputs,
    },
    "kubetracing",
    "child",
    false,
);
require("../index");
