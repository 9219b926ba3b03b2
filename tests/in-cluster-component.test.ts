import { FAKE_KUBECONFIG, runProgram, Registration, valueOf } from "./pulumi-harness";
import { normalizeKubeconfig } from "../stack/kubeconfig";

const named = (regs: Registration[], name: string) => {
    const r = regs.find((x) => x.name === name);
    if (!r) throw new Error(`no ${name}; have ${regs.map((x) => x.name).join(", ")}`);
    return r;
};

describe.each([true, false])("in-cluster collector under mocks, preview=%s", (preview) => {
    let regs: Registration[];
    let outputs: Record<string, any>;
    beforeAll(async () => {
        const run = await runProgram({ engine: "kind", inClusterCollector: "true", controlPlaneTraceTarget: "node-agent" }, { preview, stack: "agent" });
        regs = run.registrations;
        outputs = run.outputs;
    });

    it("deploys namespace, RBAC, config and DaemonSet through a provider built from the cluster's kubeconfig", () => {
        const kinds = regs
            .filter((r) => r.type.startsWith("kubernetes:"))
            .map((r) => r.type)
            .sort();
        expect(kinds).toEqual([
            "kubernetes:apps/v1:DaemonSet",
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:core/v1:Namespace",
            "kubernetes:core/v1:ServiceAccount",
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
        ]);
        const provider = named(regs, "node-agent-provider");
        expect(provider.type).toBe("pulumi:providers:kubernetes");
        for (const r of regs.filter((x) => x.type.startsWith("kubernetes:"))) {
            expect(r.provider).toMatch(/pulumi:providers:kubernetes::node-agent-provider::/);
            expect(r.parent).toMatch(/kubetracing:cluster:InClusterCollector::node-agent$/);
        }
        expect(named(regs, "node-agent-daemonset").dependencies.length).toBeGreaterThanOrEqual(2);
    });

    it("hands the provider the normalized kubeconfig and replaces it (and every object) with the cluster", () => {
        const provider = named(regs, "node-agent-provider");
        if (!preview) {
            expect(provider.replacementTrigger).toBe("kubernetes-cluster-id");
            const rpc = require("@pulumi/pulumi/runtime/rpc");
            expect(provider.inputs.kubeconfig).toEqual({
                [rpc.specialSigKey]: rpc.specialSecretSig,
                value: normalizeKubeconfig(FAKE_KUBECONFIG, "kubetracing-agent"),
            });
        }
        expect(provider.ignoreChanges).toEqual([]);
        // Provider inputs travel as JSON text. destroy succeeds when the cluster is already gone.
        if (!preview) expect(JSON.parse(provider.inputs.deleteUnreachable)).toBe(true);
        expect(provider.dependencies.some((d) => d.endsWith("::kubernetes-kubeconfig"))).toBe(true);
    });

    // The objects live only inside the cluster: when the cluster Command goes (destroyed or replaced), the engine
    // skips their deletes instead of sending them through the provider of a cluster that is gone.
    it("deletes every object with the cluster Command, not through its provider", () => {
        const cluster = named(regs, "kubernetes-cluster");
        const objects = regs.filter((x) => x.type.startsWith("kubernetes:"));
        expect(objects.map((o) => [o.name, o.deletedWith])).toEqual(objects.map((o) => [o.name, cluster.urn]));
        expect(cluster.urn).toMatch(/::kubernetes-cluster$/);
        expect(named(regs, "node-agent-provider").deletedWith).toBe("");
    });

    it("exports how pods reach the agent", async () => {
        if (preview) return expect(outputs.inClusterOtlpEndpoint).toBeDefined();
        const endpoint = await valueOf(outputs.inClusterOtlpEndpoint);
        expect(endpoint).toEqual({ hostIpEnv: "HOST_IP", grpc: "$(HOST_IP):4317", http: "http://$(HOST_IP):4318" });
    });

    it("routes the control plane to the agent on the node's loopback", () => {
        expect(named(regs, "kubernetes-cluster").inputs.environment.KUBETRACING_CREATE_SCRIPT).toContain("endpoint: 127.0.0.1:4317");
    });
});

it("without inClusterCollector there is no Kubernetes provider and no inClusterOtlpEndpoint", async () => {
    const run = await runProgram({}, { preview: false, stack: "noagent" });
    expect(run.registrations.filter((r) => r.type.startsWith("kubernetes:") || r.type === "pulumi:providers:kubernetes")).toEqual([]);
    expect(run.outputs.inClusterOtlpEndpoint).toBeUndefined();
});
