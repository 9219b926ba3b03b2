import * as fs from "fs";
import * as path from "path";
import { STACK_OUTPUTS } from "../stack/outputs-contract";
import { PROJECT_DIR } from "./helpers";
import { runProgram, valueOf } from "./pulumi-harness";
const typeOf = (v: unknown) => (Array.isArray(v) ? (v.every((x) => typeof x === "string") ? "string[]" : "array") : v === null ? "null" : typeof v);

describe("stack outputs contract", () => {
    let outputs: Record<string, any>;
    beforeAll(async () => {
        outputs = (await runProgram({ inClusterCollector: "true" }, { preview: false, stack: "contract" })).outputs;
    });

    it("exports exactly the outputs the contract names", () => {
        expect(Object.keys(outputs).sort()).toEqual(Object.keys(STACK_OUTPUTS).sort());
    });

    it.each(Object.entries(STACK_OUTPUTS))("%s has the contracted type and secrecy", async (name, spec) => {
        const output = outputs[name];
        expect(typeOf(await valueOf(output))).toBe(spec.type);
        const secret = output && typeof output.apply === "function" ? await output.isSecret : false;
        expect(secret).toBe(spec.secret);
    });

    it("outputs that need a setting are absent without it", async () => {
        const plain = (await runProgram({}, { preview: false, stack: "contract-plain" })).outputs;
        // Not exported at all: an exported undefined makes the SDK warn "Undefined value (…) will not show as a stack output" on every run.
        for (const [name, spec] of Object.entries(STACK_OUTPUTS)) {
            if ("onlyWhen" in spec) expect(Object.keys(plain)).not.toContain(name);
            else expect(plain[name]).toBeDefined();
        }
    });

    it("outputs a setting turns off are absent with it (localJaeger: false)", async () => {
        const exporters = JSON.stringify([{ name: "team", endpoint: "https://team.example.com:4317", protocol: "grpc" }]);
        const forwardOnly = (await runProgram({ localJaeger: "false", exporters }, { preview: false, stack: "contract-fwd" })).outputs;
        const turnedOff = Object.entries(STACK_OUTPUTS)
            .filter(([, spec]) => "absentWhen" in spec)
            .map(([name]) => name);
        expect(turnedOff).toEqual(["jaegerUrl"]);
        for (const name of turnedOff) expect(Object.keys(forwardOnly)).not.toContain(name);
        expect(forwardOnly.exporters).toEqual(["team"]);
    });

    // A `--target`ed up creates only some resources; the outputs of those it did not create are unknown
    // at the end, and would be stored as the SDK's unknown placeholder.
    it("an update that did not create the cluster exports neither its kubeconfig nor its name", async () => {
        const targeted = (await runProgram({}, { preview: false, stack: "contract-target", skipped: ["kubernetes-cluster", "kubernetes-kubeconfig"] })).outputs;
        expect(targeted.kubeconfig).toBeUndefined();
        expect(targeted.clusterName).toBeUndefined();
        expect(Object.keys(targeted).sort()).toEqual(
            Object.keys(STACK_OUTPUTS)
                .filter((name) => !["kubeconfig", "clusterName", "inClusterOtlpEndpoint"].includes(name))
                .sort(),
        );
    });

    it("a preview keeps every output, known or not", async () => {
        const preview = (await runProgram({}, { preview: true, stack: "contract-preview" })).outputs;
        expect(Object.keys(preview).sort()).toEqual(
            Object.keys(STACK_OUTPUTS)
                .filter((name) => name !== "inClusterOtlpEndpoint")
                .sort(),
        );
    });

    it("every output is documented in the README", () => {
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        for (const name of Object.keys(STACK_OUTPUTS)) expect(readme).toContain(`\`${name}\``);
    });
});
