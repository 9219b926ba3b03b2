// The CI recipes cannot run here; they are parsed and their shell syntax-checked.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { PROJECT_DIR } from "./helpers";

const workflow = (name: string) => parseYaml(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", name), "utf8"));
const steps = (wf: any) => Object.values(wf.jobs).flatMap((job: any) => job.steps);
/** GitHub expressions are not bash; replace them with a word before `bash -n`. */
const bashN = (script: string) => spawnSync("bash", ["-n", "-c", script.replace(/\$\{\{[^}]*\}\}/g, "X")], { encoding: "utf8" });

describe("GitHub workflows", () => {
    it.each(fs.readdirSync(path.join(PROJECT_DIR, ".github", "workflows")))(
        "%s: every run block is valid bash and every action pinned to a release",
        (name) => {
            for (const step of steps(workflow(name)) as any[]) {
                if (step.run) expect(bashN(step.run).stderr).toBe("");
                if (step.uses) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+(\.\d+)*$/);
            }
        },
    );

    it("e2e runs scripts/e2e.sh for k3d and kind on a push, with pinned engine CLIs", () => {
        const wf = workflow("e2e.yml");
        expect(Object.keys(wf.on)).toContain("push");
        const job = wf.jobs.e2e;
        expect(job.strategy.matrix.engine).toEqual(["k3d", "kind"]);
        const runs = job.steps.map((s: any) => s.run ?? "").join("\n");
        expect(runs).toContain("bash scripts/e2e.sh ${{ matrix.engine }}");
        // k3d's version is stamped, as its release Makefile does, with the version it installs.
        const k3d = runs.match(
            /go install -ldflags "-X github\.com\/k3d-io\/k3d\/v5\/version\.Version=(v5\.\d+\.\d+) [^"]*" github\.com\/k3d-io\/k3d\/v5@(v5\.\d+\.\d+)/,
        );
        expect(k3d).not.toBeNull();
        expect(k3d![1]).toBe(k3d![2]);
        expect(runs).toMatch(/go install sigs\.k8s\.io\/kind@v0\.\d+\.\d+/);
        expect(job.steps.some((s: any) => s.uses?.startsWith("pulumi/actions@"))).toBe(true);
    });

    it("preview diffs the rendered files of base and PR into the job summary, and runs no pulumi preview (CI has no stack state)", () => {
        const wf = workflow("preview.yml");
        expect(Object.keys(wf.on)).toEqual(["pull_request"]);
        const all = wf.jobs.preview.steps as any[];
        expect(all.filter((s) => s.uses?.startsWith("pulumi/actions@"))).toEqual([]);
        expect(all.map((s) => s.run ?? "").join("\n")).not.toMatch(/pulumi (preview|up)\b/);
        expect(JSON.stringify(wf)).not.toContain("PULUMI_CONFIG_PASSPHRASE");
        const render = all.find((s) => s.run?.includes("npm run --silent render"));
        expect(render.run).toContain("diff -ru");
        expect(render.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
        expect(render.if).toBeUndefined();
    });

    it("preview comments only on pull requests from this repository's branches (a fork's token is read-only)", () => {
        const wf = workflow("preview.yml");
        expect(wf.permissions["pull-requests"]).toBe("write");
        const comments = (wf.jobs.preview.steps as any[]).filter((s) => /gh pr comment/.test(s.run ?? ""));
        expect(comments).toHaveLength(1);
        expect(comments[0].if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    });
});

describe("shell scripts", () => {
    it.each(
        fs
            .readdirSync(path.join(PROJECT_DIR, "scripts"))
            .filter((f) => f.endsWith(".sh"))
            .concat(["../.ci/run"]),
    )("%s is valid bash", (file) => {
        expect(spawnSync("bash", ["-n", path.join(PROJECT_DIR, "scripts", file)], { encoding: "utf8" }).stderr).toBe("");
    });

    it("e2e.sh refuses an unknown engine before touching anything", () => {
        const r = spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "e2e.sh"), "minikube"], { encoding: "utf8" });
        expect(r.status).toBe(2);
        expect(r.stderr).toContain("engine must be k3d or kind, not minikube");
    });

    it("e2e.sh says which tool is missing", () => {
        const r = spawnSync("/bin/bash", [path.join(PROJECT_DIR, "scripts", "e2e.sh"), "kind"], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(/e2e: (pulumi|docker|kubectl|kind) is not on PATH/);
    });
});
