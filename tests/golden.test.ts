// Golden renders: every file `npm run render` writes for the boundary releases of the version
// table, compared byte for byte with tests/golden/<engine>-<version>[-variant]/. A change anywhere
// in the version matrix shows as a diff of these files, and "which flag does etcd get on kind 1.29.2"
// is answered by opening one of them.
//
// After an intended change: UPDATE_GOLDEN=1 npx jest tests/golden.test.ts, then review `git diff tests/golden`.
import * as fs from "fs";
import * as path from "path";
import { stringify as toYaml } from "yaml";
import { render } from "../scripts/render";
import { PROJECT_DIR, useTempDirs } from "./helpers";

const GOLDEN_DIR = path.join(PROJECT_DIR, "tests", "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

/** Case directory → the stack's settings (everything else at its Pulumi.yaml default). */
const CASES: Record<string, Record<string, unknown>> = {
    // k3s: etcd 3.5.9 without a sampling flag, containerd 1.7.11 from TOML.
    "k3d-1.29.0": { engine: "k3d", kubernetesVersion: "1.29.0" },
    // Last minor with the v1beta1 TracingConfiguration and etcd 3.5's experimental- flags.
    "k3d-1.33": { engine: "k3d", kubernetesVersion: "1.33" },
    // TracingConfiguration v1, etcd 3.6.
    "k3d-1.34": { engine: "k3d", kubernetesVersion: "1.34" },
    // etcd 3.7: the experimental- names are gone.
    "k3d-1.37": { engine: "k3d", kubernetesVersion: "1.37" },
    // kind's oldest node image here: etcd 3.5.10 without a sampling flag, containerd 1.7.13 from TOML.
    "kind-1.29.2": { engine: "kind", kubernetesVersion: "1.29.2" },
    // Last kubeadm v1beta3 (extraArgs as a map).
    "kind-1.35": { engine: "kind", kubernetesVersion: "1.35" },
    // kubeadm v1beta4 (extraArgs as a list of name/value).
    "kind-1.36": { engine: "kind", kubernetesVersion: "1.36" },
    "kind-1.37": { engine: "kind", kubernetesVersion: "1.37" },
    // The node agent, with the control plane sending to it.
    "kind-1.37-node-agent": { engine: "kind", kubernetesVersion: "1.37", inClusterCollector: true, controlPlaneTraceTarget: "node-agent" },
};

const tempDir = useTempDirs("golden");

/** What `npm run render -- --config Pulumi.golden.yaml --out DIR` writes, as file name → bytes. */
function rendered(settings: Record<string, unknown>): Map<string, Buffer> {
    const dir = tempDir("stack");
    const stackFile = path.join(dir, "Pulumi.golden.yaml");
    const config = Object.fromEntries(Object.entries(settings).map(([key, value]) => [`kubetracing:${key}`, value]));
    fs.writeFileSync(stackFile, toYaml({ config }));
    const out = path.join(dir, "out");
    render(["--config", stackFile, "--out", out]);
    return filesIn(out);
}

function filesIn(dir: string): Map<string, Buffer> {
    if (!fs.existsSync(dir)) return new Map();
    return new Map(
        fs
            .readdirSync(dir)
            .sort()
            .map((name) => [name, fs.readFileSync(path.join(dir, name))]),
    );
}

describe("golden renders", () => {
    it.each(Object.entries(CASES))("%s", (name, settings) => {
        const dir = path.join(GOLDEN_DIR, name);
        const actual = rendered(settings);
        if (UPDATE) {
            fs.rmSync(dir, { recursive: true, force: true });
            fs.mkdirSync(dir, { recursive: true });
            for (const [file, bytes] of actual) fs.writeFileSync(path.join(dir, file), bytes);
        }
        const golden = filesIn(dir);
        expect([...actual.keys()]).toEqual([...golden.keys()]);
        for (const [file, bytes] of actual) {
            // As text first, for a readable diff; then the bytes.
            expect({ file, text: bytes.toString("utf8") }).toEqual({ file, text: golden.get(file)!.toString("utf8") });
            expect(bytes.equals(golden.get(file)!)).toBe(true);
        }
    });

    it("has no directory of a case that is gone", () => {
        expect(fs.readdirSync(GOLDEN_DIR).sort()).toEqual(Object.keys(CASES).sort());
    });
});
