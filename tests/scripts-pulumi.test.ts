// scripts/up.sh (and what scripts/e2e.sh shares with it, scripts/lib/pulumi-cli.sh) run by bash
// against a fake `pulumi` that records its arguments and the passphrase variables it was given.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { PROJECT_DIR, useTempDirs } from "./helpers";

const tempDir = useTempDirs("scripts-pulumi");

interface FakePulumi {
    version?: string;
}

/** A PATH with a fake pulumi (and docker, which up.sh only looks for); the log says what pulumi saw. */
function fakeTools(fake: FakePulumi = {}): { path: string; log: string } {
    const dir = tempDir("bin");
    const log = path.join(dir, "pulumi.log");
    fs.writeFileSync(
        path.join(dir, "pulumi"),
        `#!/bin/bash
if [ "$1" = version ]; then echo "${fake.version ?? "v3.274.1"}"; exit 0; fi
echo "$* | passphrase=\${PULUMI_CONFIG_PASSPHRASE-<unset>} | file=\${PULUMI_CONFIG_PASSPHRASE_FILE-<unset>}" >> ${log}
# As the kubernetes provider does on every start: a kubeconfig copy in $TMPDIR, left there.
if [ "$1" = up ]; then echo "$TMPDIR" > ${log}.tmpdir; echo key > "\${TMPDIR:-/tmp}/kubeconfig123"; fi
`,
        { mode: 0o755 },
    );
    fs.writeFileSync(path.join(dir, "docker"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    return { path: `${dir}:/usr/bin:/bin`, log };
}

/** What a fresh clone has of what up.sh reads (node_modules as if installed), in a directory of its own. */
function freshClone(): string {
    const root = tempDir("clone");
    fs.mkdirSync(path.join(root, "scripts", "lib"), { recursive: true });
    fs.mkdirSync(path.join(root, "node_modules"));
    for (const f of ["scripts/up.sh", "scripts/lib/pulumi-cli.sh", "Pulumi.yaml", "Pulumi.dev.yaml"])
        fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(root, f));
    return root;
}

function up(fake: FakePulumi, env: Record<string, string> = {}, root = freshClone(), args: string[] = ["dev"]) {
    const tools = fakeTools(fake);
    const r = spawnSync("/bin/bash", [path.join(root, "scripts", "up.sh"), ...args], {
        env: { PATH: tools.path, HOME: tempDir("home"), ...env },
        encoding: "utf8",
    });
    const calls = fs.existsSync(tools.log) ? fs.readFileSync(tools.log, "utf8").trim().split("\n") : [];
    return { status: r.status, stderr: r.stderr, calls, root };
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
        expect(r.calls.map((c) => c.split(" | ")[0])).toEqual(["stack select --create dev", "up --yes --skip-preview --stack dev"]);
    });

    it.each(["v3.225.0", "v3.208.0", "v3.200.0", "garbage"])("up.sh refuses pulumi %s before touching a stack", (version) => {
        const r = up({ version });
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/kubetracing: Pulumi CLI (3\.\d+\.\d+|of unknown version) is older than 3\.226\.0, which the stack needs/);
        expect(r.calls).toEqual([]);
    });
});

it("npm run up -- --refresh (what the README says to run after Docker restarted) hands --refresh to pulumi up", () => {
    // `npm run up -- --refresh` runs `bash scripts/up.sh dev --refresh`.
    const r = up({}, {}, freshClone(), ["dev", "--refresh"]);
    expect(r.status).toBe(0);
    expect(r.calls.map((c) => c.split(" | ")[0])).toEqual(["stack select --create dev", "up --yes --skip-preview --stack dev --refresh"]);
    expect(fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8")).toContain("npm run up -- --refresh");
});

it("up.sh gives pulumi up a private temp directory and removes it after, the kubernetes provider's kubeconfig copies with it", () => {
    const tmp = tempDir("tmp");
    const tools = fakeTools();
    const r = spawnSync("/bin/bash", [path.join(freshClone(), "scripts", "up.sh"), "dev"], {
        env: { PATH: tools.path, HOME: tempDir("home"), TMPDIR: tmp },
        encoding: "utf8",
    });
    expect(r.status).toBe(0);
    const seen = fs.readFileSync(`${tools.log}.tmpdir`, "utf8").trim();
    expect(path.dirname(seen)).toBe(tmp);
    expect(fs.existsSync(seen)).toBe(false);
    expect(fs.readdirSync(tmp)).toEqual([]);
});

describe("the passphrase the scripts hand to pulumi", () => {
    const seen = (env: Record<string, string>) => {
        const r = up({}, env);
        expect(r.status).toBe(0);
        return r.calls[r.calls.length - 1].split(" | ").slice(1).join(" | ");
    };

    it("is an empty one when you set neither variable", () => {
        expect(seen({})).toBe("passphrase= | file=<unset>");
    });

    it("is your passphrase file's when you set PULUMI_CONFIG_PASSPHRASE_FILE (an exported empty passphrase would win over it)", () => {
        expect(seen({ PULUMI_CONFIG_PASSPHRASE_FILE: "/home/me/.pulumi-passphrase" })).toBe("passphrase=<unset> | file=/home/me/.pulumi-passphrase");
    });

    it("is yours when you set PULUMI_CONFIG_PASSPHRASE, even empty, with or without a file", () => {
        expect(seen({ PULUMI_CONFIG_PASSPHRASE: "s3cret" })).toBe("passphrase=s3cret | file=<unset>");
        expect(seen({ PULUMI_CONFIG_PASSPHRASE: "", PULUMI_CONFIG_PASSPHRASE_FILE: "/f" })).toBe("passphrase= | file=/f");
    });

    it("is the empty default when PULUMI_CONFIG_PASSPHRASE_FILE is empty (the CLI ignores an empty one)", () => {
        expect(seen({ PULUMI_CONFIG_PASSPHRASE_FILE: "" })).toBe("passphrase= | file=");
    });

    it("e2e.sh uses the same rule and exports no passphrase of its own", () => {
        const e2e = fs.readFileSync(path.join(PROJECT_DIR, "scripts", "e2e.sh"), "utf8");
        expect(e2e).toContain("\npulumi_default_passphrase\n");
        expect(e2e).not.toMatch(/export PULUMI_CONFIG_PASSPHRASE/);
    });
});

describe("stack files", () => {
    it("npm run up leaves the dev stack's committed file to pulumi (which adds its encryptionsalt there)", () => {
        const r = up({});
        expect(r.status).toBe(0);
        expect(fs.readFileSync(path.join(r.root, "Pulumi.dev.yaml"), "utf8")).toBe(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8"));
        expect(fs.readdirSync(r.root).filter((f) => f.startsWith("Pulumi."))).toEqual(["Pulumi.dev.yaml", "Pulumi.yaml"]);
    });

    const git = (...args: string[]) => spawnSync("git", ["-C", PROJECT_DIR, ...args], { encoding: "utf8" });
    const inGit = git("rev-parse", "--git-dir").status === 0;

    (inGit ? it : it.skip)("the dev stack's file is committed; other stacks' files are ignored by git (each holds its developer's encryptionsalt)", () => {
        for (const f of ["Pulumi.alice.yaml", "examples/consumer/Pulumi.dev.yaml"]) {
            expect(git("check-ignore", "--no-index", "-q", f).status).toBe(0);
        }
        expect(git("check-ignore", "--no-index", "-q", "Pulumi.dev.yaml").status).toBe(1);
        expect(git("ls-files", "Pulumi.*.yaml").stdout.trim()).toBe("Pulumi.dev.yaml");
    });

    it("the dev stack names its engine and version, and holds no encryptionsalt in the repository", () => {
        const dev = parseYaml(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8"));
        expect(dev).toEqual({ config: { "kubetracing:engine": "kind", "kubetracing:kubernetesVersion": "1.34" } });
    });
});
