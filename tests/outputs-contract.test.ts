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
        for (const [name, spec] of Object.entries(STACK_OUTPUTS)) {
            if ("onlyWhen" in spec) expect(plain[name]).toBeUndefined();
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
        for (const name of turnedOff) expect(forwardOnly[name]).toBeUndefined();
        expect(forwardOnly.exporters).toEqual(["team"]);
    });

    it("every output is documented in the README", () => {
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        for (const name of Object.keys(STACK_OUTPUTS)) expect(readme).toContain(`\`${name}\``);
    });
});
