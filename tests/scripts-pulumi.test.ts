// scripts/up.sh (and what scripts/e2e.sh shares with it, scripts/lib/pulumi-cli.sh) run by bash
// against a fake `pulumi` that records its arguments and the passphrase variables it was given.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { PROJECT_DIR, useTempDirs } from "./helpers";

const tempDir = useTempDirs("scripts-pulumi");

interface FakePulumi { version?: string }

/** A PATH with a fake pulumi (and docker, which up.sh only looks for); the log says what pulumi saw. */
function fakeTools(fake: FakePulumi = {}): { path: string; log: string } {
    const dir = tempDir("bin");
    const log = path.join(dir, "pulumi.log");
    fs.writeFileSync(path.join(dir, "pulumi"), `#!/bin/bash
if [ "$1" = version ]; then echo "${fake.version ?? "v3.274.1"}"; exit 0; fi
echo "$* | passphrase=\${PULUMI_CONFIG_PASSPHRASE-<unset>} | file=\${PULUMI_CONFIG_PASSPHRASE_FILE-<unset>}" >> ${log}
`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "docker"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    return { path: `${dir}:/usr/bin:/bin`, log };
}

function up(fake: FakePulumi, env: Record<string, string> = {}) {
    const tools = fakeTools(fake);
    const r = spawnSync("/bin/bash", [path.join(PROJECT_DIR, "scripts", "up.sh"), "dev"], { env: { PATH: tools.path, HOME: tempDir("home"), ...env }, encoding: "utf8" });
    const calls = fs.existsSync(tools.log) ? fs.readFileSync(tools.log, "utf8").trim().split("\n") : [];
    return { status: r.status, stderr: r.stderr, calls };
}

describe("the Pulumi CLI's minimum version", () => {
    const required = (parseYaml(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { requiredPulumiVersion: string }).requiredPulumiVersion;

    it("is declared once, in Pulumi.yaml, and the README states the same", () => {
        expect(required).toBe(">=3.226.0");
        expect(fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8")).toContain("| Pulumi CLI | **3.226.0+**");
    });

    it.each(["v3.226.0", "v3.274.1", "v3.300.0-alpha.1+abc"])("up.sh runs pulumi %s", (version) => {
        const r = up({ version });
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        expect(r.calls.map((c) => c.split(" | ")[0])).toEqual(["stack select --create dev", "up --yes --stack dev"]);
    });

    it.each(["v3.225.0", "v3.208.0", "v3.200.0", "garbage"])("up.sh refuses pulumi %s before touching a stack", (version) => {
        const r = up({ version });
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/kubetracing: Pulumi CLI (3\.\d+\.\d+|of unknown version) is older than 3\.226\.0, which the stack needs/);
        expect(r.calls).toEqual([]);
    });
});
