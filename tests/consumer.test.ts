// The consumer example under mocks, its StackReference answered with outputs shaped by the contract.
import * as pulumi from "@pulumi/pulumi";
import { FAKE_KUBECONFIG, ProgramRun, runProgram, Registration, valueOf } from "./pulumi-harness";
import { IN_CLUSTER_OTLP_ENDPOINT } from "../config-files/in-cluster-collector";
import { PINNED_IMAGES } from "../versions/versions";

const TRACING_STACK = { "kubetracing-consumer:tracingStack": "organization/kubetracing/dev" };
const AGENT_OUTPUTS = { kubeconfig: FAKE_KUBECONFIG, inClusterOtlpEndpoint: IN_CLUSTER_OTLP_ENDPOINT };

/** The consumer program under mocks, its StackReference answering with `outputs` (kubeconfig secret when present). */
function runConsumer(config: Record<string, string>, outputs: Record<string, unknown>, preview = false) {
    return runProgram(config, {
        preview,
        stack: "dev",
        project: "kubetracing-consumer",
        program: "../examples/consumer/index",
        stackReference: { outputs, secretOutputNames: "kubeconfig" in outputs ? ["kubeconfig"] : [] },
    });
}

describe.each([true, false])("examples/consumer, preview=%s", (preview) => {
    let regs: Registration[];
    let outputs: Record<string, any>;
    let pulumi: ProgramRun["pulumi"];
    beforeAll(async () => {
        const run = await runConsumer(TRACING_STACK, { ...AGENT_OUTPUTS, jaegerUrl: "http://127.0.0.1:32768" }, preview);
        regs = run.registrations;
        outputs = run.outputs;
        pulumi = run.pulumi;
    });

    it("reads the kubetracing stack through a StackReference", () => {
        const ref = regs.find((r) => r.type === "pulumi:pulumi:StackReference")!;
        expect(ref.inputs.id).toBe("organization/kubetracing/dev");
    });

    it("deploys through a provider built from the referenced kubeconfig, which stays secret", () => {
        const provider = regs.find((r) => r.type === "pulumi:providers:kubernetes")!;
        const deployment = regs.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
        expect(deployment.provider).toContain("::traced-cluster::");
        // A secret travels as {<sig key>: <secret sig>, value}; the SDK's own constants name them.
        const rpc = require("@pulumi/pulumi/runtime/rpc");
        expect(provider.inputs.kubeconfig).toEqual({ [rpc.specialSigKey]: rpc.specialSecretSig, value: FAKE_KUBECONFIG });
    });

    it("points the workload at the node-local agent through the downward API", () => {
        const deployment = regs.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
        const container = deployment.inputs.spec.template.spec.containers[0];
        // The same Collector-contrib release as the node agent's image.
        const contrib = PINNED_IMAGES.collectorContrib.split(":").pop();
        expect(container.image).toBe(`ghcr.io/open-telemetry/opentelemetry-collector-contrib/telemetrygen:v${contrib}`);
        expect(container.env).toEqual([
            { name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
            { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://$(HOST_IP):4318" },
        ]);
        expect(container.args).toEqual(expect.arrayContaining(["--otlp-endpoint", "$(HOST_IP):4317"]));
    });

    it("exports only what the deployment or the referenced stack says, no constant (every export is a stack output)", () => {
        expect(Object.keys(outputs).sort()).toEqual(["deployment", "jaegerUrl", "namespace"]);
        for (const value of Object.values(outputs)) expect(pulumi.Output.isInstance(value)).toBe(true);
    });

    it("re-exports the Jaeger URL", async () => {
        expect(await valueOf(outputs.jaegerUrl)).toBe("http://127.0.0.1:32768");
    });
});

describe("examples/consumer against a tracing stack that runs no local Jaeger (localJaeger: false)", () => {
    it("still deploys, and exports no jaegerUrl instead of failing on the missing output", async () => {
        const run = await runConsumer(TRACING_STACK, AGENT_OUTPUTS);
        expect(run.registrations.some((r) => r.type === "kubernetes:apps/v1:Deployment")).toBe(true);
        expect(Object.keys(run.outputs)).not.toContain("jaegerUrl");
    });
});

describe("examples/consumer with kubetracing-consumer:telemetrygenImage (a mirror's copy)", () => {
    it("runs that image", async () => {
        const run = await runConsumer({ ...TRACING_STACK, "kubetracing-consumer:telemetrygenImage": "mirror.example/telemetrygen:v0.159.0" }, AGENT_OUTPUTS);
        const deployment = run.registrations.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
        expect(deployment.inputs.spec.template.spec.containers[0].image).toBe("mirror.example/telemetrygen:v0.159.0");
    });
});

// requireOutput's rejection took Node 20 up to a minute and 3.6 GB to format; a missing output must be one line.
describe.each([
    ["kubeconfig", { inClusterOtlpEndpoint: IN_CLUSTER_OTLP_ENDPOINT }, "its cluster does not exist (run `pulumi up` there first)"],
    ["inClusterOtlpEndpoint", { kubeconfig: FAKE_KUBECONFIG }, "it runs no node agent (set kubetracing:inClusterCollector true there and run `pulumi up`)"],
])("examples/consumer against a tracing stack without %s", (name, outputs, hint) => {
    it("fails with one line naming the stack, the output and what to do, and deploys nothing", async () => {
        const refused = await runConsumer(TRACING_STACK, outputs).then(
            () => undefined,
            (err: Error & { registrations?: Registration[] }) => err,
        );
        // A RunError: the language host prints its message alone, no stack (@pulumi/pulumi cmd/run/run.js uncaughtHandler).
        expect(pulumi.RunError.isInstance(refused)).toBe(true);
        expect(refused?.message).toBe(`the tracing stack organization/kubetracing/dev has no output ${name}: ${hint}`);
        expect(refused?.registrations?.filter((r) => r.type.startsWith("kubernetes:") || r.type === "pulumi:providers:kubernetes")).toEqual([]);
    });
});
