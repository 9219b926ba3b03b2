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

    it("e2e runs scripts/e2e.sh for k3d and kind on a push, with the engine CLIs pinned in tools/", () => {
        const wf = workflow("e2e.yml");
        expect(Object.keys(wf.on)).toContain("push");
        const job = wf.jobs.e2e;
        expect(job.strategy.matrix.engine).toEqual(["k3d", "kind"]);
        const runs = job.steps.map((s: any) => s.run ?? "").join("\n");
        expect(runs).toContain("bash scripts/e2e.sh ${{ matrix.engine }}");
        // The engine CLIs come from tools/ (their one pin, stamped as the tiers build them), never a version of the workflow's own.
        expect(runs).toContain('bash scripts/fetch-tools.sh "${{ matrix.engine }}"');
        expect(runs).not.toMatch(/go install|@v\d/);
        expect(job.steps.some((s: any) => s.uses?.startsWith("pulumi/actions@"))).toBe(true);
    });

    it("preview puts Pulumi's real plan (scripts/pr-preview.sh against the base revision) and the rendered files' diff into the job summary", () => {
        const wf = workflow("preview.yml");
        expect(Object.keys(wf.on)).toEqual(["pull_request"]);
        const all = wf.jobs.preview.steps as any[];
        expect(all.some((s) => s.uses?.startsWith("pulumi/actions@"))).toBe(true);
        const plan = all.find((s) => s.run?.includes("scripts/pr-preview.sh"));
        expect(plan.run).toContain('bash scripts/pr-preview.sh "${{ github.event.pull_request.base.sha }}"');
        expect(plan.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
        expect(all.map((s) => s.run ?? "").join("\n")).toContain("bash scripts/fetch-tools.sh kind");
        const render = all.find((s) => s.run?.includes("npm run --silent render"));
        expect(render.run).toContain("diff -ru");
        expect(render.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
        expect(render.if).toBeUndefined();
        expect(all.indexOf(plan)).toBeLessThan(all.indexOf(render));
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
