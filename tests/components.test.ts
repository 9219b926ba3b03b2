import { createHash } from "crypto";
import { FAKE_KUBECONFIG, runProgram, runRefused, Registration, valueOf } from "./pulumi-harness";
import { normalizeKubeconfig } from "../stack/kubeconfig";

const byName = (regs: Registration[], name: string) => {
    const r = regs.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name}; have ${regs.map((x) => x.name).join(", ")}`);
    return r;
};
const urnOf = (regs: Registration[], name: string) => {
    // URNs end with ::<name>; the harness reads them from the parent/dependency fields the SDK sends.
    const all = regs.flatMap((r) => [r.parent, ...r.dependencies]).filter(Boolean);
    const urn = all.find((u) => u.endsWith(`::${name}`));
    if (!urn) throw new Error(`no urn for ${name}`);
    return urn;
};

type PathPart = string | number;
/** "triggers[*]" → ["triggers", "*"], "*" → ["*"], "a.b[0]" → ["a", "b", 0]. */
const propertyPath = (p: string): PathPart[] =>
    p
        .split(/\.|\[|\]/)
        .filter(Boolean)
        .map((x) => (/^\d+$/.test(x) ? Number(x) : x));
/** pulumi/pulumi v3.259.0 sdk/go/common/resource/properties_path.go PropertyPath.Contains: "*" matches any key or index. */
const contains = (p: PathPart[], other: PathPart[]) => other.length >= p.length && p.every((x, i) => x === "*" || x === other[i]);

/**
 * What `pulumi up` plans for a local Command whose inputs change from `olds` to `news`, the
 * options being those the program sent:
 * - the provider's Diff (pulumi-go-provider v1.3.0 infer/resource.go, used by pulumi-command
 *   v1.2.1): every changed input is a change, by top-level key or array index; the Command has an
 *   Update, so none is a replacement by itself;
 * - the engine (pulumi/pulumi v3.259.0 pkg/resource/deploy/step_generator.go applyReplaceOnChanges):
 *   a change whose path a replaceOnChanges path contains becomes a replacement.
 * An "update" of this Command runs its create script again in place (pulumi-command v1.2.1
 * provider/pkg/provider/local/commandController.go Update, when there is no `update` script).
 */
function plannedStep(olds: Record<string, unknown>, news: Record<string, unknown>, replaceOnChanges: string[]): "same" | "update" | "replace" {
    const changed: PathPart[][] = [];
    for (const key of new Set([...Object.keys(olds), ...Object.keys(news)])) {
        const [a, b] = [olds[key], news[key]];
        if (JSON.stringify(a) === JSON.stringify(b)) continue;
        if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
            a.forEach((x, i) => JSON.stringify(x) !== JSON.stringify(b[i]) && changed.push([key, i]));
        } else changed.push([key]);
    }
    if (changed.length === 0) return "same";
    const replacing = replaceOnChanges.map(propertyPath);
    return changed.some((c) => replacing.some((r) => contains(r, c))) ? "replace" : "update";
}

describe("the cluster Command: any change replaces it, the old cluster deleted first", () => {
    let cluster: Registration;
    beforeAll(async () => {
        cluster = byName((await runProgram({ engine: "k3d" }, { preview: false, stack: "upgrade" })).registrations, "kubernetes-cluster");
    });
    const changed = (input: string, value: unknown) => plannedStep(cluster.inputs, { ...cluster.inputs, [input]: value }, cluster.replaceOnChanges);

    it("a changed trigger (a rendered setting) replaces it", () => {
        expect(changed("triggers", [cluster.inputs.triggers[0], "another hash"])).toBe("replace");
    });

    it("its triggers are the settings summary and the create script's digest, so a plan names what changed", () => {
        expect(cluster.inputs.triggers).toEqual([
            expect.stringContaining("apiserver: 100000"),
            createHash("sha256").update(cluster.inputs.create).digest("hex"),
        ]);
    });

    it("an upgrade that changes only the delete script replaces it instead of running create again in place", () => {
        expect(changed("delete", `${cluster.inputs.delete}\n# changed by an upgrade\n`)).toBe("replace");
        expect(cluster.deleteBeforeReplace).toBe(true);
    });

    it.each([
        ["interpreter", ["/bin/sh", "-c"]],
        ["environment", { A: "b" }],
        ["logging", "none"],
    ])("so does a change of %s", (input, value) => {
        expect(changed(input, value)).toBe("replace");
    });

    it("the model agrees with the SDK: without the option only triggers would replace", () => {
        expect(cluster.replaceOnChanges).toContain("triggers[*]");
        expect(plannedStep(cluster.inputs, { ...cluster.inputs, delete: "x" }, ["triggers[*]"])).toBe("update");
        expect(plannedStep(cluster.inputs, { ...cluster.inputs }, cluster.replaceOnChanges)).toBe("same");
    });
});

it("k3d and kind register the cluster and everything under it at the same URNs, so switching engine is a replacement, not a create before a delete", async () => {
    const urns = async (engine: string) => {
        const regs = (await runProgram({ engine, inClusterCollector: "true" }, { preview: false, stack: "switch" })).registrations;
        const cluster = regs
            .filter((r) => r.urn.includes("::kubetracing:cluster:"))
            .map((r) => r.urn)
            .sort();
        expect(cluster.length).toBeGreaterThan(10);
        return cluster;
    };
    const k3d = await urns("k3d");
    expect(k3d).toContain("urn:pulumi:switch::kubetracing::kubetracing:cluster:EngineCluster$command:local:Command::kubernetes-cluster");
    expect(await urns("kind")).toEqual(k3d);
});

describe("stacks made before the fixed logical names keep their resources: each component is aliased to its former name", () => {
    let regs: Registration[];
    beforeAll(async () => {
        regs = (await runProgram({ inClusterCollector: "true" }, { preview: true, stack: "upgrade" })).registrations;
    });
    const aliasesOf = (type: string) =>
        (regs.find((r) => r.type === type)!.aliases as { spec?: { name?: string; type?: string } }[]).map((a) => ({ name: a.spec?.name, type: a.spec?.type }));

    it("the cluster: under its former name, with the type of today and with both types of a type per engine", () => {
        expect(aliasesOf("kubetracing:cluster:EngineCluster")).toEqual([
            { name: "kubetracing-upgrade", type: "" },
            { name: "kubetracing-upgrade", type: "kubetracing:cluster:K3dCluster" },
            { name: "kubetracing-upgrade", type: "kubetracing:cluster:KindCluster" },
        ]);
    });

    it("the backend and the node agent", () => {
        expect(aliasesOf("kubetracing:backend:ObservabilityBackend")).toEqual([{ name: "kubetracing-upgrade", type: "" }]);
        expect(aliasesOf("kubetracing:cluster:InClusterCollector")).toEqual([{ name: "kubetracing-upgrade-agent", type: "" }]);
    });

    // The children's names in stacks made before (the program as it was at a7f8b8c, and at 763efd3 before it).
    const FORMER_CHILDREN = [
        "kubetracing-upgrade-network",
        "kubetracing-upgrade-jaeger-image",
        "kubetracing-upgrade-jaeger",
        "kubetracing-upgrade-collector-image",
        "kubetracing-upgrade-collector",
        "kubetracing-upgrade-collector-ready",
        "kubetracing-upgrade-cluster",
        "kubetracing-upgrade-kubeconfig",
        "kubetracing-upgrade-agent-provider",
        "kubetracing-upgrade-agent-namespace",
        "kubetracing-upgrade-agent-service-account",
        "kubetracing-upgrade-agent-cluster-role",
        "kubetracing-upgrade-agent-cluster-role-binding",
        "kubetracing-upgrade-agent-config",
        "kubetracing-upgrade-agent-daemonset",
    ].sort();
    const children = () => regs.filter((r) => r.parent && /::kubetracing:(backend|cluster):\w+::/.test(r.parent));

    it("every child is aliased to its former name itself (the engine's inherited alias holds only in a run that found the parent by its alias)", () => {
        // Named aliases only: @pulumi/kubernetes adds type-only ones of its own (older API groups of a DaemonSet, …).
        const aliasNames = children().flatMap((child) =>
            (child.aliases as { spec?: { name?: string } }[]).map((a) => a.spec?.name).filter((name) => name !== undefined && name !== ""),
        );
        expect(aliasNames.sort()).toEqual(FORMER_CHILDREN);
    });

    it("every child keeps its former suffix too, so the engine's inherited alias names the same old URN", () => {
        // pulumi/pulumi v3.274.1 step_generator.go inheritedChildAlias: a child named "<parent>-<part>" is aliased
        // to "<parent's alias>-<part>" under the parent's alias.
        const components = { backend: "kubetracing-upgrade", kubernetes: "kubetracing-upgrade", "node-agent": "kubetracing-upgrade-agent" };
        const formerNames = children().map((child) => {
            const parentName = child.parent!.slice(child.parent!.lastIndexOf("::") + 2) as keyof typeof components;
            expect(child.name.startsWith(`${parentName}-`)).toBe(true);
            return components[parentName] + child.name.slice(parentName.length);
        });
        expect(formerNames.sort()).toEqual(FORMER_CHILDREN);
    });
});

describe.each([
    ["k3d", "kubetracing:cluster:EngineCluster"],
    ["kind", "kubetracing:cluster:EngineCluster"],
])("the %s stack under mocks", (engine, clusterType) => {
    describe.each([true, false])("preview=%s", (preview) => {
        let regs: Registration[];
        let outputs: Record<string, any>;
        beforeAll(async () => {
            const run = await runProgram({ engine, kubernetesVersion: "1.33", workers: "2" }, { preview, stack: "alice" });
            regs = run.registrations;
            outputs = run.outputs;
        });

        it("creates the backend and the cluster components; what Docker and the engine name is the stack's own", () => {
            // Logical names are the same in every stack (the URN carries the stack); Docker's names are the stack's own.
            expect(byName(regs, "backend").type).toBe("kubetracing:backend:ObservabilityBackend");
            expect(byName(regs, "kubernetes").type).toBe(clusterType);
            expect(regs.filter((r) => r.type === "kubetracing:backend:ObservabilityBackend")).toHaveLength(1);
            expect(regs.filter((r) => r.type === clusterType)).toHaveLength(1);
            expect(byName(regs, "backend-network").inputs.name).toBe("kubetracing-alice-net");
            expect(byName(regs, "backend-jaeger").inputs.name).toBe("kubetracing-alice-jaeger");
            expect(byName(regs, "backend-collector").inputs.name).toBe("kubetracing-alice-collector");
        });

        it("parents every child to its component", () => {
            expect(regs.filter((r) => !r.type.startsWith("kubetracing:")).length).toBeGreaterThan(6);
            for (const r of regs) {
                if (r.type.startsWith("kubetracing:")) continue;
                if (r.type === "pulumi:pulumi:Stack") continue;
                expect(r.parent).toMatch(/kubetracing:(backend:\w+::backend|cluster:\w+::kubernetes)$/);
            }
        });

        it("creates the cluster after the whole backend, the Collector ready and the network there (so deletes it first)", () => {
            // The component depends on the backend component, which the SDK sends as every one of its children;
            // the cluster Command registers only once its parent has.
            const component = byName(regs, "kubernetes");
            const backendChildren = regs.filter((r) => r.parent === urnOf(regs, "backend")).map((r) => r.urn);
            expect(backendChildren).toEqual(expect.arrayContaining([urnOf(regs, "backend-collector-ready"), urnOf(regs, "backend-network")]));
            expect([...component.dependencies].sort()).toEqual(expect.arrayContaining(backendChildren.sort()));
            const cluster = byName(regs, "kubernetes-cluster");
            expect(cluster.parent).toBe(component.urn);
            expect(cluster.deleteBeforeReplace).toBe(true);
            expect(byName(regs, "backend-collector-ready").dependencies).toContain(urnOf(regs, "backend-collector"));
            expect(cluster.inputs.create).toContain(`${engine === "k3d" ? "k3d cluster create" : "kind create cluster"} --config '${engine}-config.yaml'`);
            expect(cluster.inputs.interpreter).toEqual(["/bin/bash", "-c"]);
        });

        it("replaces the network (its name is fixed per stack) delete-first", () => {
            expect(byName(regs, "backend-network").deleteBeforeReplace).toBe(true);
        });

        it("declares each container's ports sorted by internal port, the order the docker provider reads them back in (no diff on refresh)", () => {
            // kreuzwerker/terraform-provider-docker v4.5.0 internal/provider/resource_docker_container_structures.go: sort.Sort(byPortAndProtocol(…)).
            const collector = byName(regs, "backend-collector").inputs.ports.map((p: any) => p.internal);
            expect(collector.length).toBeGreaterThan(1);
            for (const c of regs.filter((r) => r.type === "docker:index/container:Container")) {
                const internal = c.inputs.ports.map((p: any) => p.internal);
                expect(internal).toEqual([...internal].sort((a: number, b: number) => a - b));
            }
        });

        it("pins images and publishes ports on 127.0.0.1 only", () => {
            for (const img of regs.filter((r) => r.type === "docker:index/remoteImage:RemoteImage")) {
                expect(img.inputs.name).not.toMatch(/:latest$/);
                expect(img.inputs.name).toMatch(/:\d+\.\d+\.\d+/);
            }
            for (const c of regs.filter((r) => r.type === "docker:index/container:Container")) {
                for (const p of c.inputs.ports) expect(p.ip).toBe("127.0.0.1");
            }
        });

        it("bounds every command it runs in time", () => {
            expect(byName(regs, "kubernetes-cluster").customTimeouts).toMatchObject({ create: "25m", delete: "10m" });
            expect(byName(regs, "kubernetes-kubeconfig").customTimeouts).toMatchObject({ create: "3m", update: "3m" });
            expect(byName(regs, "backend-collector-ready").customTimeouts).toMatchObject({ create: "180s", update: "180s" });
            const commands = regs.filter((r) => r.type === "command:local:Command");
            expect(commands.length).toBeGreaterThan(0);
            for (const c of commands) expect(c.customTimeouts.create).not.toBe("");
        });

        it("keeps the kubeconfig secret and out of the logs", async () => {
            const kc = byName(regs, "kubernetes-kubeconfig");
            expect(kc.additionalSecretOutputs).toContain("stdout");
            expect(kc.inputs.logging).toBe("none");
            expect(await outputs.kubeconfig.isSecret).toBe(true);
            if (!preview) {
                expect(await valueOf(outputs.kubeconfig)).toBe(normalizeKubeconfig(FAKE_KUBECONFIG, "kubetracing-alice"));
            }
        });

        it("knows the cluster's name already in a preview (it comes from the stack's name)", async () => {
            expect(await outputs.clusterName.isKnown).toBe(true);
            expect(await valueOf(outputs.clusterName)).toBe("kubetracing-alice");
        });

        it("exports the documented outputs", async () => {
            expect(outputs.engine).toBe(engine);
            expect(outputs.kubernetesVersion).toMatch(/^1\.33\.\d+$/);
            expect(outputs.tracedComponents).toEqual(["etcd", "apiserver", "kubelet", "containerd"]);
            expect(await valueOf(outputs.collectorNetworkGrpcEndpoint)).toBe("kubetracing-alice-collector:4317");
            expect(await valueOf(outputs.collectorNetworkHttpEndpoint)).toBe("http://kubetracing-alice-collector:4318");
            if (!preview) {
                expect(await valueOf(outputs.jaegerUrl)).toBe("http://127.0.0.1:32768");
                expect(await valueOf(outputs.otlpGrpcEndpoint)).toBe("127.0.0.1:32768");
                expect(await valueOf(outputs.otlpHttpEndpoint)).toBe("http://127.0.0.1:32769");
                expect(await valueOf(outputs.clusterName)).toBe("kubetracing-alice");
            }
        });
    });

    it("renders the same resources on a second run with the same config", async () => {
        const strip = (regs: Registration[]) => regs.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
        const a = await runProgram({ engine }, { preview: false, stack: "same" });
        const b = await runProgram({ engine }, { preview: false, stack: "same" });
        expect(strip(b.registrations)).toEqual(strip(a.registrations));
    });

    it("changing the sampling rate changes the cluster's triggers (so it is replaced) and the rendered line", async () => {
        const cluster = async (rate: string) =>
            byName((await runProgram({ engine, samplingRatePerMillion: rate }, { preview: true, stack: "diff" })).registrations, "kubernetes-cluster");
        const a = await cluster("1000");
        const b = await cluster("2000");
        expect(a.inputs.triggers).not.toEqual(b.inputs.triggers);
        expect(a.inputs.triggers[0]).toContain("apiserver: 1000");
        expect(b.inputs.triggers[0]).toContain("apiserver: 2000");
        expect(b.inputs.create).toContain("samplingRatePerMillion: 2000");
    });
});

it("two stacks on one machine share no Docker object or cluster name", async () => {
    const names = async (stack: string) =>
        (await runProgram({}, { preview: true, stack })).registrations
            .filter((r) => r.type.startsWith("docker:") && r.type !== "docker:index/remoteImage:RemoteImage")
            .map((r) => r.inputs.name);
    const a = await names("alice");
    const b = await names("bob");
    expect(a).toHaveLength(3);
    expect(a.filter((n) => b.includes(n))).toEqual([]);
});

it("publishes the Collector's health port on loopback only, whatever hostBindAddress says, and warns about the exposure", async () => {
    const warnings: string[] = [];
    jest.spyOn(console, "warn").mockImplementation((s: unknown) => void warnings.push(String(s)));
    try {
        const run = await runProgram({ hostBindAddress: "0.0.0.0" }, { preview: false, stack: "exposed" });
        const collector = byName(run.registrations, "backend-collector");
        const health = collector.inputs.ports.find((p: any) => p.internal === 13133);
        expect(health.ip).toBe("127.0.0.1");
        expect(collector.inputs.ports.filter((p: any) => p.internal !== 13133).map((p: any) => p.ip)).toEqual(["0.0.0.0", "0.0.0.0"]);
        expect(byName(run.registrations, "backend-collector-ready").inputs.environment.KUBETRACING_HEALTH_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    } finally {
        jest.restoreAllMocks();
    }
    expect(warnings.join("\n")).toMatch(/kubetracing:hostBindAddress = 0\.0\.0\.0: .* no authentication/);
});

it("refuses bad config before creating anything", async () => {
    const { error, registrations } = await runRefused({ engine: "minikube", samplingRatePerMillion: "5000000" }, { preview: true, stack: "refused" });
    expect(error.message).toMatch(/kubetracing:engine = "minikube": accepted k3d or kind[\s\S]*samplingRatePerMillion = 5000000/);
    // A RunError: the CLI prints its message alone, without a stack trace or the program's source.
    expect(require("@pulumi/pulumi").RunError.isInstance(error)).toBe(true);
    expect(registrations.filter((r) => r.type !== "pulumi:pulumi:Stack")).toEqual([]);
});
