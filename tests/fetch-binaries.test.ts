// scripts/fetch-binaries.sh refuses, with exit 3 ("cannot be obtained here") and a reason, before
// it downloads anything, when its cache cannot be made or cannot be trusted with what runs as root.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR, useTempDirs } from "./helpers";

const tmp = useTempDirs("fetch");
const script = path.join(PROJECT_DIR, "scripts/fetch-binaries.sh");
const run = (cache: string, prefix: string[] = []) => {
    const [command, ...args] = [...prefix, "bash", script];
    return spawnSync(command, args, { env: { PATH: process.env.PATH, KUBETRACING_BINARY_CACHE: cache }, encoding: "utf8", timeout: 30_000 });
};

describe("fetch-binaries.sh", () => {
    it("exits 3 with a reason when the cache directory cannot be created (not root in a root-owned checkout)", () => {
        const parent = tmp("readonly");
        // As root, another user; otherwise a directory this user may not write to.
        const asOther = process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
        if (!asOther.length) fs.chmodSync(parent, 0o555);
        const r = run(path.join(parent, "cache"), asOther);
        expect(r.stderr).toMatch(/^fetch-binaries: cannot create the cache directory .*\/cache as \S+ \(run as root, or set KUBETRACING_BINARY_CACHE/);
        expect(r.status).toBe(3);
    });

    it.each([["the cache directory", "."], ["a suite directory in it", "trixie"]])("exits 3 when %s is writable by every user, before using or fetching anything", (_what, loose) => {
        const cache = path.join(tmp("loose"), "cache");
        fs.mkdirSync(path.join(cache, loose), { recursive: true });
        // chmod, not mkdir's mode: the umask does not apply to it.
        fs.chmodSync(path.join(cache, loose), 0o777);
        const r = run(cache);
        expect(r.stderr).toMatch(/^fetch-binaries: .* is writable by every user, so the binaries in .* cannot be trusted/);
        expect(r.status).toBe(3);
        expect(fs.readdirSync(cache).filter((f) => f !== "trixie")).toEqual([]);
    });
});
