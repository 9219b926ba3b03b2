// k3s's embedded containerd has no OTLP span processor (versions/versions.ts, CONTAINERD_OTLP_PROCESSOR):
// the renderer says so, refuses a stack that would trace nothing else, verify explains the missing
// containerd without failing on it, and the README's k3d table agrees.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../settings/settings";
import { findRelease, tracingFacts } from "../versions/versions";
import { EXIT, formatTable, verify, VerifyIO, VerifyOutputs } from "../scripts/verify-core";
import { file, PROJECT_DIR, renderOf } from "./helpers";

describe("containerd on k3d: the stack does not promise spans", () => {
    it.each`
        version   | release            | containerd
        ${"1.29"} | ${"v1.29.15+k3s1"} | ${"1.7.26"}
        ${"1.34"} | ${"v1.34.9+k3s1"}  | ${"2.2.5"}
        ${"1.37"} | ${"v1.37.1+k3s1"}  | ${"2.3.4"}
    `("k3s $release: a note naming the release and the reason, pointing to kind, in the summary too", ({ version, release, containerd }) => {
        const r = renderOf({ engine: "k3d", kubernetesVersion: version });
        const note = r.notes.find((n) => n.startsWith("containerd:"));
        expect(note).toBe(
            `containerd: not traced on k3s ${release} (containerd ${containerd}): k3s runs containerd inside its own binary with its own plugin list ` +
                "(pkg/containerd/builtins*.go), which leaves out containerd's OTLP span processor (io.containerd.tracing.processor.v1.otlp), " +
                "so containerd sends no spans whatever its OTEL_* settings say; for containerd spans use kubetracing:engine kind.",
        );
        expect(parseYaml(file(r, "summary")).notes).toContain(note);
        expect(r.tracingGaps.containerd).toContain(`${release} (containerd ${containerd})`);
        expect(Object.keys(r.tracingGaps)).toEqual(["containerd"]);
    });

    it("no gap and no note where containerd is not traced, nor on kind", () => {
        const untraced = renderOf({ engine: "k3d", tracedComponents: ["etcd", "apiserver", "kubelet"] });
        expect(untraced.tracingGaps).toEqual({});
        expect(untraced.notes.join("\n")).not.toMatch(/containerd/);
        for (const version of ["1.29.2", "1.34", "1.37"]) {
            const kind = renderOf({ engine: "kind", kubernetesVersion: version });
            expect(kind.tracingGaps).toEqual({});
            expect(kind.notes.join("\n")).not.toMatch(/span processor/);
        }
    });

    it("refuses containerd as the only traced component on k3d, naming the setting, the release and kind", () => {
        const attempt = () => renderOf({ engine: "k3d", kubernetesVersion: "1.33", tracedComponents: ["containerd"] });
        expect(attempt).toThrow(ConfigError);
        expect(attempt).toThrow(
            /kubetracing:tracedComponents = \["containerd"\] on k3d v1\.33\.7\+k3s3 \(containerd 2\.1\.5\): k3s runs containerd .*this stack would trace nothing\. For containerd spans set kubetracing:engine kind/,
        );
        expect(renderOf({ engine: "kind", kubernetesVersion: "1.33", tracedComponents: ["containerd"] }).tracingGaps).toEqual({});
    });
});

/** Jaeger's API v3 in memory: OTLP-JSON for a service with spans, 404 "No traces found" otherwise. */
function jaegerWith(spansOf: Record<string, number>): VerifyIO & { asked: string[]; slept: number } {
    let now = Date.UTC(2026, 10, 24, 12, 0, 0);
    const io = {
        asked: [] as string[],
        slept: 0,
        get: async (url: string) => {
            const u = new URL(url);
            if (u.pathname === "/api/v3/services") return { status: 200, body: JSON.stringify({ services: Object.keys(spansOf) }) };
            const service = u.searchParams.get("query.service_name")!;
            io.asked.push(service);
            if (!spansOf[service]) return { status: 404, body: JSON.stringify({ error: { httpCode: 404, message: "No traces found" } }) };
            // One trace, etcd's spans under the apiserver's first (as the API server's requests hold etcd's calls).
            const spans = Array.from({ length: spansOf[service] }, (_, i) => ({
                traceId: "0af7651916cd43dd8448eb211c80319c",
                spanId: `${service}-${i}`,
                ...(service === "etcd" && spansOf.apiserver ? { parentSpanId: "apiserver-0" } : {}),
                name: `op${i}`,
                startTimeUnixNano: `${BigInt(now - 1000) * 1_000_000n}`,
            }));
            const resourceSpans = [{ resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] }, scopeSpans: [{ spans }] }];
            return { status: 200, body: JSON.stringify({ result: { resourceSpans } }) };
        },
        activity: async () => undefined,
        now: () => now,
        sleep: async (ms: number) => {
            io.slept += ms;
            now += ms;
        },
    };
    return io;
}

describe("verify and a tracing gap", () => {
    const options = { timeoutMs: 180_000, pollMs: 5_000, lookbackMs: 600_000 };
    const gap = renderOf({ engine: "k3d", kubernetesVersion: "1.34" }).tracingGaps;
    const outputs: VerifyOutputs = {
        jaegerUrl: "http://127.0.0.1:16686",
        tracedComponents: ["etcd", "apiserver", "kubelet", "containerd"],
        samplingRatePerMillion: { etcd: 100000, apiserver: 100000, kubelet: 100000, containerd: 100000 },
        bundledVersions: { etcd: "3.6.12", containerd: "2.2.5" },
        engine: "k3d",
        tracingGaps: gap,
    };

    it("explains the missing containerd with the gap's reason, does not wait for it, and does not fail on it", async () => {
        const io = jaegerWith({ etcd: 3, apiserver: 2, kubelet: 1 });
        const report = await verify(outputs, io, options);
        expect(report.exitCode).toBe(EXIT.ok);
        expect(io.slept).toBe(0);
        expect(io.asked).toContain("containerd");
        const containerd = report.components.find((c) => c.component === "containerd")!;
        expect(containerd).toMatchObject({ spans: 0, expectedMissing: true, likelyCause: gap.containerd });
        const table = formatTable(report);
        expect(table).toContain(
            "MISSING containerd (this node image cannot trace it): v1.34.9+k3s1 (containerd 2.2.5): k3s runs containerd inside its own binary",
        );
        expect(table).toContain("use kubetracing:engine kind");
        expect(table).toContain("the other 3 traced components reach Jaeger");
    });

    it("still fails, and waits, for a missing component without a gap", async () => {
        const io = jaegerWith({ etcd: 3, apiserver: 2 });
        const report = await verify(outputs, io, options);
        expect(report.exitCode).toBe(EXIT.missing);
        expect(io.slept).toBeGreaterThanOrEqual(options.timeoutMs - options.pollMs);
        expect(formatTable(report)).toMatch(/^MISSING kubelet: /m);
        expect(formatTable(report)).not.toContain("reach Jaeger");
    });

    it("counts containerd's spans if they come after all (the version table would be stale)", async () => {
        const report = await verify(outputs, jaegerWith({ etcd: 1, apiserver: 1, kubelet: 1, containerd: 4 }), options);
        expect(report.components.find((c) => c.component === "containerd")).toMatchObject({ spans: 4 });
        expect(formatTable(report)).toContain("all 4 traced components reach Jaeger");
    });

    it.each([undefined, "containerd", ["containerd"], { containerd: 5 }, { containerd: "" }])(
        "without a usable output (%j: a stack from before it, or a mangled one), a missing containerd fails as before",
        async (tracingGaps) => {
            const report = await verify({ ...outputs, tracingGaps: tracingGaps as any }, jaegerWith({ etcd: 1, apiserver: 1, kubelet: 1 }), {
                ...options,
                timeoutMs: 10_000,
            });
            expect(report.exitCode).toBe(EXIT.missing);
            expect(report.components.find((c) => c.component === "containerd")!.likelyCause).toMatch(/^containerd 2\.2\.5 reads tracing only from OTEL_\* env/);
        },
    );
});

describe("README", () => {
    it("the k3d table says, per pinned release, whether containerd traces, as the version table does", () => {
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        const lines = readme.split("\n");
        const header = lines.findIndex((l) => l.startsWith("| k3d minor |"));
        const columns = lines[header].split("|").map((c) => c.trim());
        const releaseColumn = columns.indexOf("pinned release (default)");
        const tracesColumn = columns.indexOf("containerd traces");
        expect(tracesColumn).toBeGreaterThan(0);
        const end = lines.findIndex((l, i) => i > header && !l.startsWith("|"));
        const rows = lines.slice(header + 2, end).map((l) => l.split("|").map((c) => c.trim()));
        expect(rows.length).toBe(9);
        for (const row of rows) {
            const release = findRelease("k3d", row[releaseColumn])!;
            expect(release).toBeDefined();
            expect([row[releaseColumn], row[tracesColumn]]).toEqual([release.engineRelease, tracingFacts(release).containerd.otlpProcessor ? "yes" : "no"]);
        }
    });
});
