// The scripts that put upstream programs into .cache/ for the tests, which run them as root, refuse
// with exit 3 ("cannot be had here") and a reason, before they download, build or start anything,
// when their cache cannot be made or cannot be trusted (scripts/lib/cache.sh, trusted_cache).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR, useTempDirs } from "./helpers";

const tmp = useTempDirs("cache-scripts");

interface CacheScript {
    name: string;
    args: string[];
    cacheVariable: string;
    /** A directory the script makes inside its cache, to plant a loose one in. */
    inner: string;
    /** Refuses a non-root user before it looks at its cache (dockerd must run as root). */
    rootFirst?: boolean;
}

const SCRIPTS: CacheScript[] = [
    { name: "fetch-binaries", args: [], cacheVariable: "KUBETRACING_BINARY_CACHE", inner: "trixie" },
    { name: "fetch-tools", args: ["otelcol"], cacheVariable: "KUBETRACING_TOOLS_CACHE", inner: "bin" },
    { name: "test-docker", args: ["start"], cacheVariable: "KUBETRACING_DOCKER_CACHE", inner: "trixie", rootFirst: true },
];

/**
 * The scripts (and the tools/ pins they read) copied where every user can read them: another user
 * cannot reach the checkout itself when it sits in a private directory (a 0700 home, a mktemp -d).
 */
function readableCopy(): string {
    const root = tmp("readable");
    for (let dir = root; dir !== path.dirname(dir) && dir.startsWith(os.tmpdir()) && dir !== os.tmpdir(); dir = path.dirname(dir)) fs.chmodSync(dir, 0o755);
    for (const part of ["scripts", "tools"]) fs.cpSync(path.join(PROJECT_DIR, part), path.join(root, part), { recursive: true });
    return root;
}

const run = (script: CacheScript, cache: string, prefix: string[] = [], checkout = PROJECT_DIR) => {
    const [command, ...args] = [...prefix, "bash", path.join(checkout, "scripts", `${script.name}.sh`), ...script.args];
    return spawnSync(command, args, {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, [script.cacheVariable]: cache },
        encoding: "utf8",
        timeout: 30_000,
    });
};

describe.each(SCRIPTS.filter((s) => !s.rootFirst))("$name.sh, run by a user who may not create its cache", (script) => {
    it("exits 3 with a reason when the cache directory cannot be created (not root in a root-owned checkout)", () => {
        const parent = tmp("readonly");
        // As root, another user; otherwise a directory this user may not write to.
        const asOther = process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
        if (!asOther.length) fs.chmodSync(parent, 0o555);
        const r = run(script, path.join(parent, "cache"), asOther, asOther.length ? readableCopy() : PROJECT_DIR);
        expect(r.stderr).toMatch(
            new RegExp(`^${script.name}: cannot create the cache directory .*/cache as \\S+ \\(run as root, or set ${script.cacheVariable}`),
        );
        expect(r.status).toBe(3);
    });
});

describe.each(SCRIPTS)("$name.sh, with a cache others could write to", (script) => {
    it.each([
        ["the cache directory", "."],
        ["a directory in it", script.inner],
    ])("exits 3 when %s is writable by every user, before using or fetching anything", (_what, loose) => {
        const cache = path.join(tmp("loose"), "cache");
        fs.mkdirSync(path.join(cache, loose), { recursive: true });
        // chmod, not mkdir's mode: the umask does not apply to it.
        fs.chmodSync(path.join(cache, loose), 0o777);
        const r = run(script, cache);
        expect(r.stderr).toMatch(new RegExp(`^${script.name}: .* is writable by every user, so the binaries in .* cannot be trusted`));
        expect(r.status).toBe(3);
        expect(fs.readdirSync(cache).filter((f) => f !== script.inner)).toEqual([]);
    });
});
