// Runs index.ts under Pulumi mocks in a process of its own and prints, on stderr, every rejection
// Pulumi would report as the program's failure. Inside jest those rejections cannot be observed
// (jest fails the test on them), so tests/kubeconfig.test.ts starts this with ts-node.
//
//   KUBETRACING_FAKE_KUBECONFIG=<text> [KUBETRACING_UNPUBLISHED_PORTS=1] ts-node --transpile-only --swc tests/stack-in-child.ts
import * as pulumi from "@pulumi/pulumi";

const kubeconfigText = process.env.KUBETRACING_FAKE_KUBECONFIG ?? "";
const unpublishedPorts = process.env.KUBETRACING_UNPUBLISHED_PORTS === "1";
process.on("unhandledRejection", (reason) => {
    process.exitCode = 1;
    if (pulumi.ResourceError.isInstance(reason)) {
        // What the CLI shows for a ResourceError: the resource's URN and the message, no stack trace.
        (reason.resource as pulumi.Resource).urn.apply((urn) => console.error(`program failed: ResourceError on ${urn}: ${reason.message}`));
    } else {
        console.error(`program failed: ${(reason as Error)?.stack ?? String(reason)}`);
    }
});
pulumi.runtime.setAllConfig({});
void pulumi.runtime.setMocks(
    {
        newResource: (args) => {
            const state: Record<string, unknown> = { ...args.inputs };
            if (args.name.endsWith("-kubeconfig")) state.stdout = kubeconfigText;
            if (args.type === "docker:index/container:Container") {
                // KUBETRACING_UNPUBLISHED_PORTS=1: Docker reports no host ports, as for a stopped container.
                state.ports = unpublishedPorts ? [] : (args.inputs.ports ?? []).map((p: { internal: number }, i: number) => ({ ...p, external: 32768 + i }));
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
