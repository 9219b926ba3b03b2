// verify against a fake Jaeger that answers like Jaeger's API v3 HTTP gateway
// (cmd/query/app/apiv3/http_gateway.go): OTLP-JSON under "result", 404 {"error": …} when nothing matches.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import { stringify as toYaml } from "yaml";
import * as path from "path";
import { EXIT, formatTable, spansOfTracesResponse, verify, VerifyIO, VerifyOutputs } from "../scripts/verify-core";
import { httpGet, main, podActivity } from "../scripts/verify";
import { PROJECT_DIR, useTempDirs } from "./helpers";

interface FakeSpan {
    service: string;
    name: string;
    startMs: number;
}

class FakeJaeger {
    spans: FakeSpan[] = [];
    /** Callee spans not under their caller's: the components' spans do not join up. */
    apart = false;
    requests: string[] = [];
    /** Answers instead of the real API when it returns true (a broken or hostile Jaeger). */
    override?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
    private server = http.createServer((req, res) => {
        if (this.override?.(req, res)) return this.requests.push(req.url!);
        this.handle(req, res);
    });
    url = "";

    async start() {
        await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
        this.url = `http://127.0.0.1:${(this.server.address() as any).port}`;
        return this;
    }
    close() {
        this.server.closeAllConnections();
        return new Promise<void>((r) => this.server.close(() => r()));
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse) {
        this.requests.push(req.url!);
        const u = new URL(req.url!, this.url);
        if (u.pathname === "/api/v3/services") {
            res.setHeader("Content-Type", "application/json");
            const services = [...new Set(this.spans.map((s) => s.service))];
            // Like the real Jaeger: protobuf JSON leaves out an empty list.
            return res.end(JSON.stringify(services.length ? { services } : {}));
        }
        if (u.pathname === "/api/v3/traces") {
            const service = u.searchParams.get("query.service_name");
            const min = Date.parse(u.searchParams.get("query.start_time_min") ?? "");
            const max = Date.parse(u.searchParams.get("query.start_time_max") ?? "");
            if (Number.isNaN(min) || Number.isNaN(max)) {
                res.statusCode = 400;
                return res.end(JSON.stringify({ error: { httpCode: 400, message: "query.start_time_min and query.start_time_max are required" } }) + "\n");
            }
            const inWindow = this.spans.filter((s) => s.startMs >= min && s.startMs <= max);
            if (!inWindow.some((s) => s.service === service)) {
                res.statusCode = 404;
                res.setHeader("Content-Type", "text/plain; charset=utf-8");
                return res.end(JSON.stringify({ error: { httpCode: 404, message: "No traces found" } }) + "\n");
            }
            // Like the real Jaeger: whole traces, every service's spans in them. All the fake's spans are one
            // trace, where (unless told apart) etcd's spans are children of the first apiserver span and
            // containerd's of the first kubelet span, as in a real cluster's traces.
            const idOf = (s: FakeSpan) => `b7ad6b716920${String(this.spans.indexOf(s)).padStart(4, "0")}`;
            const parentOf = (s: FakeSpan) => {
                const caller = this.apart ? undefined : { etcd: "apiserver", containerd: "kubelet" }[s.service];
                const first = caller && inWindow.find((x) => x.service === caller);
                return first ? idOf(first) : undefined;
            };
            const body = {
                result: {
                    resourceSpans: [...new Set(inWindow.map((s) => s.service))].map((svc) => ({
                        resource: { attributes: [{ key: "service.name", value: { stringValue: svc } }] },
                        scopeSpans: [
                            {
                                scope: { name: "go.etcd.io/etcd" },
                                spans: inWindow
                                    .filter((s) => s.service === svc)
                                    .map((s) => ({
                                        traceId: "0af7651916cd43dd8448eb211c80319c",
                                        spanId: idOf(s),
                                        ...(parentOf(s) ? { parentSpanId: parentOf(s) } : {}),
                                        name: s.name,
                                        kind: 2,
                                        startTimeUnixNano: `${BigInt(s.startMs) * 1_000_000n}`,
                                        endTimeUnixNano: `${BigInt(s.startMs + 3) * 1_000_000n}`,
                                    })),
                            },
                        ],
                    })),
                },
            };
            res.setHeader("Content-Type", "application/json");
            return res.end(JSON.stringify(body));
        }
        res.statusCode = 404;
        res.end("404 page not found\n");
    }
}

const all = ["etcd", "apiserver", "kubelet", "containerd"] as const;
const outputsFor = (jaegerUrl: string, extra: Partial<VerifyOutputs> = {}): VerifyOutputs => ({
    jaegerUrl,
    tracedComponents: [...all],
    samplingRatePerMillion: { etcd: 100000, apiserver: 100000, kubelet: 100000, containerd: 100000 },
    bundledVersions: { etcd: "3.6.12", containerd: "2.2.5" },
    collectorNetworkGrpcEndpoint: "kubetracing-dev-collector:4317",
    collectorNetworkHttpEndpoint: "http://kubetracing-dev-collector:4318",
    ...extra,
});

/** A clock that only moves when verify sleeps; `onSleep` lets a test change Jaeger's state mid-wait. */
function fakeIO(onSleep: (elapsedMs: number) => void = () => undefined): VerifyIO & { activities: number } {
    let now = Date.UTC(2026, 10, 24, 12, 0, 0);
    const start = now;
    const io = {
        activities: 0,
        get: httpGet,
        activity: async () => {
            io.activities++;
            return undefined;
        },
        now: () => now,
        sleep: async (ms: number) => {
            now += ms;
            onSleep(now - start);
        },
    };
    return io;
}

const options = { timeoutMs: 30_000, pollMs: 3000, lookbackMs: 15 * 60_000 };

describe("verify", () => {
    let jaeger: FakeJaeger;
    beforeEach(async () => (jaeger = await new FakeJaeger().start()));
    afterEach(() => jaeger.close());
    const at = (io: VerifyIO, secondsAgo: number) => io.now() - secondsAgo * 1000;

    it("found: every component has spans → exit 0, counts and ages in the table", async () => {
        const io = fakeIO();
        jaeger.spans = [
            { service: "etcd", name: "etcdserverpb.KV/Range", startMs: at(io, 3) },
            { service: "etcd", name: "etcdserverpb.KV/Put", startMs: at(io, 10) },
            { service: "apiserver", name: "HTTP GET", startMs: at(io, 5) },
            { service: "kubelet", name: "runtime.v1.RuntimeService/ListPodSandbox", startMs: at(io, 1) },
            { service: "containerd", name: "runtime.v1.ImageService/ListImages", startMs: at(io, 8) },
        ];
        const report = await verify(outputsFor(jaeger.url), io, options);
        expect(report.exitCode).toBe(EXIT.ok);
        expect(io.activities).toBe(1);
        expect(report.components.map((c) => [c.component, c.serviceName, c.spans, c.newestSpanAgeSeconds])).toEqual([
            ["etcd", "etcd", 2, 3],
            ["apiserver", "apiserver", 1, 5],
            ["kubelet", "kubelet", 1, 1],
            ["containerd", "containerd", 1, 8],
        ]);
        const table = formatTable(report);
        expect(table).toMatch(/^etcd\s+etcd\s+2\s+3s ago\s+http:\/\/127\.0\.0\.1:\d+\/search\?service=etcd$/m);
        expect(table).toContain("all 4 traced components reach Jaeger");
        // The lasting API only: /api/v3, never the /api/services removed after 2.20.
        expect(jaeger.requests.every((r) => r.startsWith("/api/v3/"))).toBe(true);
    });

    it("missing: no spans for any → exit 1 and a likely cause per component", async () => {
        const report = await verify(outputsFor(jaeger.url), fakeIO(), options);
        expect(report.exitCode).toBe(EXIT.missing);
        const table = formatTable(report);
        for (const c of all) expect(table).toMatch(new RegExp(`^MISSING ${c}: `, "m"));
        expect(table).toMatch(/MISSING apiserver: the apiserver samples nothing without a rate/);
        expect(table).toMatch(
            /MISSING containerd: containerd 2\.2\.5 reads tracing only from OTEL_\* env .* reaches http:\/\/kubetracing-dev-collector:4318$/m,
        );
    });

    it("partial: names exactly the missing components, with the sampling-rate cause when it is 0", async () => {
        const io = fakeIO();
        jaeger.spans = [
            { service: "apiserver", name: "HTTP GET", startMs: at(io, 2) },
            { service: "kubelet", name: "x", startMs: at(io, 2) },
        ];
        const report = await verify(
            outputsFor(jaeger.url, { samplingRatePerMillion: { etcd: 0, apiserver: 1000, kubelet: 1000, containerd: 1000 } }),
            io,
            options,
        );
        expect(report.exitCode).toBe(EXIT.missing);
        expect(report.components.filter((c) => c.spans === 0).map((c) => c.component)).toEqual(["etcd", "containerd"]);
        expect(report.components.find((c) => c.component === "etcd")!.likelyCause).toMatch(/^sampling rate is 0: set kubetracing:etcdSamplingRatePerMillion/);
    });

    it.each`
        caller         | containerd  | silent                       | cause
        ${"apiserver"} | ${"2.2.5"}  | ${["etcd", "apiserver"]}     | ${"etcd samples as its caller does, and the apiserver samples nothing: set kubetracing:apiserverSamplingRatePerMillion (or samplingRatePerMillion) above 0"}
        ${"kubelet"}   | ${"2.2.5"}  | ${["kubelet", "containerd"]} | ${"containerd samples as its caller does, and the kubelet samples nothing: set kubetracing:kubeletSamplingRatePerMillion (or samplingRatePerMillion) above 0"}
        ${"kubelet"}   | ${"1.7.15"} | ${["kubelet", "containerd"]} | ${/^containerd 1\.7\.15 reads tracing from its TOML config/}
    `(
        "a callee whose caller samples nothing ($caller at 0, containerd $containerd): the cause is the caller's rate",
        async ({ caller, containerd, silent, cause }) => {
            const io = fakeIO();
            const rates = { etcd: 100000, apiserver: 100000, kubelet: 100000, containerd: 100000, [caller]: 0 };
            jaeger.spans = all.filter((c) => !silent.includes(c)).map((c) => ({ service: c, name: "x", startMs: at(io, 2) }));
            const report = await verify(
                outputsFor(jaeger.url, { samplingRatePerMillion: rates, bundledVersions: { etcd: "3.6.12", containerd } }),
                io,
                options,
            );
            const callee = silent.find((c: string) => c !== caller);
            const reported = report.components.find((c) => c.component === callee)!.likelyCause;
            if (typeof cause === "string") expect(reported).toBe(cause);
            else expect(reported).toMatch(cause);
        },
    );

    it.each`
        engine    | hint
        ${"k3d"}  | ${"; check etcd reaches kubetracing-dev-collector:4317 and that --cluster-init is set (k3s runs etcd only with it)"}
        ${"kind"} | ${"; check etcd reaches kubetracing-dev-collector:4317"}
    `("names --cluster-init only on k3d ($engine)", async ({ engine, hint }) => {
        const report = await verify(outputsFor(jaeger.url, { tracedComponents: ["etcd"], engine }), fakeIO(), options);
        expect(report.components[0].likelyCause).toBe(`etcd sends only for requests it samples (rate 100000 per million)${hint}`);
    });

    it.each`
        etcd        | cause
        ${"3.5.10"} | ${/^etcd 3\.5\.10 has no sampling flag/}
        ${"3.5.11"} | ${/^etcd sends only for requests it samples/}
        ${"3.6.4"}  | ${/^etcd sends only for requests it samples/}
        ${"3.5"}    | ${/^etcd sends only for requests it samples/}
    `("explains the missing spans of etcd $etcd by its sampling flag (etcd v3.5.11 added it)", async ({ etcd, cause }) => {
        const report = await verify(outputsFor(jaeger.url, { tracedComponents: ["etcd"], bundledVersions: { etcd } }), fakeIO(), options);
        expect(report.components[0].likelyCause).toMatch(cause);
    });

    it.each`
        containerd   | cause
        ${"1.7.15"}  | ${/^containerd 1\.7\.15 reads tracing from its TOML config/}
        ${"1.7.16"}  | ${/^containerd 1\.7\.16 reads tracing only from OTEL_\* env/}
        ${"1.6.31"}  | ${/^containerd 1\.6\.31 reads tracing from its TOML config/}
        ${"2.1.9"}   | ${/^containerd 2\.1\.9 reads tracing only from OTEL_\* env/}
        ${"2.x"}     | ${/^containerd reads tracing from OTEL_\* env or, before 1\.6\.32 and 1\.7\.16, its TOML config/}
        ${undefined} | ${/^containerd reads tracing from OTEL_\* env or/}
    `("explains the missing spans of containerd $containerd by where it reads tracing from", async ({ containerd, cause }) => {
        const report = await verify(outputsFor(jaeger.url, { tracedComponents: ["containerd"], bundledVersions: { containerd } }), fakeIO(), options);
        expect(report.components[0].likelyCause).toMatch(cause);
    });

    it("slow to arrive: retries until the spans come, within the wait", async () => {
        const io = fakeIO((elapsed) => {
            if (elapsed >= 9000 && !jaeger.spans.length) {
                jaeger.spans = all.map((service) => ({ service, name: "late", startMs: io.now() - 1000 }));
            }
        });
        const report = await verify(outputsFor(jaeger.url), io, options);
        expect(report.exitCode).toBe(EXIT.ok);
        expect(jaeger.requests.filter((r) => r.includes("service_name=etcd")).length).toBe(4);
    });

    it("gives up after the wait and ignores spans older than the lookback", async () => {
        const io = fakeIO();
        jaeger.spans = all.map((service) => ({ service, name: "old", startMs: io.now() - 20 * 60_000 }));
        // Polls at 0, 3 and 6 s; the seventh second has no room for another.
        const report = await verify(outputsFor(jaeger.url), io, { ...options, timeoutMs: 7000 });
        expect(report.exitCode).toBe(EXIT.missing);
        expect(jaeger.requests.filter((r) => r.includes("service_name=etcd")).length).toBe(3);
        expect(io.now() - Date.UTC(2026, 10, 24, 12, 0, 0)).toBe(7000);
    });

    it("Jaeger unreachable → exit 3 without causing activity", async () => {
        const io = fakeIO();
        const url = jaeger.url;
        await jaeger.close();
        jaeger = await new FakeJaeger().start(); // afterEach closes this one
        const report = await verify(outputsFor(url), io, options);
        expect(report.exitCode).toBe(EXIT.jaegerUnreachable);
        expect(io.activities).toBe(0);
        expect(formatTable(report)).toMatch(/^verify: Jaeger at http:\/\/127\.0\.0\.1:\d+ did not answer/);
    });

    it("reads OTLP-JSON: keeps only the asked service, treats 404 as none, fails loudly on other errors", () => {
        const body = JSON.stringify({
            result: {
                resourceSpans: [
                    {
                        resource: { attributes: [{ key: "service.name", value: { stringValue: "etcd" } }] },
                        scopeSpans: [{ spans: [{ name: "a", startTimeUnixNano: "1" }] }],
                    },
                    {
                        resource: { attributes: [{ key: "service.name", value: { stringValue: "apiserver" } }] },
                        scopeSpans: [{ spans: [{ name: "b", startTimeUnixNano: "2" }] }],
                    },
                ],
            },
        });
        expect(spansOfTracesResponse({ status: 200, body }, "etcd").map((s) => s.name)).toEqual(["a"]);
        expect(spansOfTracesResponse({ status: 404, body: '{"error":{"httpCode":404,"message":"No traces found"}}\n' }, "etcd")).toEqual([]);
        expect(() => spansOfTracesResponse({ status: 500, body: "boom" }, "etcd")).toThrow(/\/api\/v3\/traces answered HTTP 500 \(expected 200\): "boom"/);
    });
});

const tempDir = useTempDirs("verify");

describe("npm run verify (the CLI)", () => {
    let jaeger: FakeJaeger;
    let out: string[];
    let err: string[];
    beforeEach(async () => {
        jaeger = await new FakeJaeger().start();
        out = [];
        err = [];
        jest.spyOn(process.stdout, "write").mockImplementation((s: any) => (out.push(String(s)), true));
        jest.spyOn(console, "error").mockImplementation((s: any) => void err.push(String(s)));
    });
    afterEach(async () => {
        jest.restoreAllMocks();
        await jaeger.close();
    });
    const outputsFile = (outputs: unknown) => {
        const f = path.join(tempDir("outputs"), "outputs.json");
        fs.writeFileSync(f, typeof outputs === "string" ? outputs : JSON.stringify(outputs));
        return f;
    };
    const jsonReport = () => JSON.parse(out.join(""));

    it("prints JSON for machines and exits 0 when everything is there", async () => {
        jaeger.spans = all.map((service) => ({ service, name: "x", startMs: Date.now() - 2000 }));
        const code = await main(["--outputs", outputsFile(outputsFor(jaeger.url)), "--no-activity", "--json", "--timeout", "5"]);
        expect(code).toBe(0);
        const report = jsonReport();
        expect(report.components.map((c: any) => c.spans)).toEqual([1, 1, 1, 1]);
    });

    it("the process exits 1 and says MISSING when a component has no spans", async () => {
        jaeger.spans = all.filter((s) => s !== "kubelet").map((service) => ({ service, name: "x", startMs: Date.now() - 2000 }));
        const child = spawn(
            path.join(PROJECT_DIR, "node_modules/.bin/ts-node"),
            ["--transpile-only", "--swc", "scripts/verify.ts", "--outputs", outputsFile(outputsFor(jaeger.url)), "--no-activity", "--timeout", "1"],
            {
                cwd: PROJECT_DIR,
                stdio: ["ignore", "pipe", "ignore"],
            },
        );
        let stdout = "";
        child.stdout.on("data", (d) => (stdout += d));
        const status = await new Promise((r) => child.on("exit", r));
        expect(stdout).toMatch(/^MISSING kubelet: /m);
        expect(status).toBe(1);
    }, 20_000);

    it.each([["--help"], ["-h"]])("%s prints the usage and options on stdout and exits 0, as a user runs it", (flag) => {
        const r = spawnSync(path.join(PROJECT_DIR, "node_modules/.bin/ts-node"), ["--transpile-only", "--swc", "scripts/verify.ts", flag], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
            timeout: 60_000,
        });
        expect([r.status, r.stderr]).toEqual([0, ""]);
        expect(r.stdout).toMatch(/^usage: npm run verify -- \(--stack NAME \| --outputs FILE\)/);
        for (const option of ["  --stack", "  --outputs", "  --json", "  --timeout", "  --no-activity", "  --pod-image", "-h, --help"])
            expect(r.stdout).toContain(option);
        expect(r.stdout).toContain("Exit codes: 0 every traced component has spans");
    });

    it("exits 3 when Jaeger does not answer", async () => {
        const code = await main(["--outputs", outputsFile(outputsFor("http://127.0.0.1:1")), "--no-activity", "--timeout", "1"]);
        expect(code).toBe(3);
    });

    it.each([
        [[], /give exactly one of --stack or --outputs/],
        [["--stack", "dev", "--outputs", "x.json"], /give exactly one of --stack or --outputs/],
        [["--bogus"], /Unknown option '--bogus'/],
        [["--outputs"], /Option '--outputs <value>' argument missing/],
        [["--outputs", "x.json", "extra"], /Unexpected argument 'extra'/],
        [["--outputs", "x.json", "--timeout", "soon"], /--timeout soon: expected a positive number of seconds/],
        [["--outputs", "x.json", "--timeout", "0"], /--timeout 0: expected a positive number/],
        [["--outputs", "x.json", "--timeout=-5"], /--timeout -5: expected a positive number/],
        [["--outputs", "x.json", "--timeout", "1e9"], /--timeout 1e9: expected a positive number/],
        [["--outputs", "x.json", "--timeout", "999999"], /--timeout 999999: expected a positive number of seconds, at most 86400/],
        [["--outputs", "x.json", "--pod-image", "busybox"], /--pod-image busybox: pin an exact version/],
        [["--outputs", "x.json", "--pod-image", "Busy Box:1"], /--pod-image Busy Box:1: not a valid image reference/],
    ])("exits 2 with the usage for %j", async (argv, message) => {
        expect(await main(argv as string[])).toBe(2);
        expect(err.join("\n")).toMatch(message);
        expect(err.join("\n")).toContain("usage: npm run verify");
    });

    it.each([
        ["not a kubetracing stack's", { foo: 1 }, /no jaegerUrl or tracedComponents/],
        ["null", "null", /the outputs are null, not an object of stack outputs/],
        ["a list", "[1]", /the outputs are a list/],
        ["not JSON", "{jaegerUrl", /cannot use the stack outputs: .*JSON/],
        [
            "an unknown component",
            { jaegerUrl: "http://127.0.0.1:1", tracedComponents: ["etcd", "scheduler"] },
            /tracedComponents \["etcd","scheduler"\]: expected a non-empty list of distinct components from etcd, apiserver, kubelet, containerd/,
        ],
        ["an empty tracedComponents", { jaegerUrl: "http://127.0.0.1:1", tracedComponents: [] }, /tracedComponents \[\]: expected a non-empty list/],
        [
            "a component twice",
            { jaegerUrl: "http://127.0.0.1:1", tracedComponents: ["etcd", "etcd"] },
            /tracedComponents \["etcd","etcd"\]: expected a non-empty list of distinct/,
        ],
        [
            "a file: jaegerUrl",
            { jaegerUrl: "file:///etc/passwd", tracedComponents: ["etcd"] },
            /jaegerUrl "file:\/\/\/etc\/passwd": expected an http:\/\/ or https:\/\/ URL/,
        ],
        ["a jaegerUrl that is no URL", { jaegerUrl: "127.0.0.1:16686", tracedComponents: ["etcd"] }, /jaegerUrl "127.0.0.1:16686": expected an http/],
        [
            "a kubeconfig that is no text",
            { jaegerUrl: "http://127.0.0.1:1", tracedComponents: ["etcd"], kubeconfig: { a: 1 } },
            /kubeconfig: expected the kubeconfig's text/,
        ],
    ])("exits 2, with a JSON report under --json, for outputs that are %s", async (_what, outputs, message) => {
        expect(await main(["--outputs", outputsFile(outputs), "--no-activity", "--json"])).toBe(2);
        expect(err.join()).toMatch(message);
        expect(jsonReport()).toEqual({ exitCode: 2, components: [], error: expect.stringMatching(message) });
        expect(jaeger.requests).toEqual([]);
    });

    it("exits 2 for a missing outputs file", async () => {
        expect(await main(["--outputs", path.join(tempDir("none"), "absent.json"), "--no-activity"])).toBe(2);
        expect(err.join()).toMatch(/cannot use the stack outputs: ENOENT/);
    });

    /** Answers every traces query with this status and body; /api/v3/services stays real unless `services` is set. */
    const answer = (status: number, body: string, headers: Record<string, string> = {}, services = false) => {
        jaeger.override = (req, res) => {
            if (!services && req.url!.startsWith("/api/v3/services")) return false;
            res.writeHead(status, headers);
            res.end(body);
            return true;
        };
    };
    const spanBody = (span: object) => JSON.stringify({ result: { resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] } });

    it.each([
        ["an HTML page", 200, "<html><body>Welcome to nginx</body></html>", /answered 200 with a body that is not JSON: "<html>/],
        ["truncated JSON", 200, '{"result": {"resourceSpans": [', /answered 200 with a body that is not JSON/],
        ["a 500", 500, "internal error", /answered HTTP 500 \(expected 200\): "internal error"/],
        ["a 302", 302, "", /answered HTTP 302 \(expected 200\)/],
        ["null", 200, "null", /no "result" object/],
        ["resourceSpans: {}", 200, '{"result": {"resourceSpans": {}}}', /"resourceSpans" that is not a list/],
        [
            "a non-numeric startTimeUnixNano",
            200,
            spanBody({ name: "x", startTimeUnixNano: "yesterday" }),
            /a span without a name and a startTimeUnixNano in nanoseconds/,
        ],
        ["a span without a name", 200, spanBody({ startTimeUnixNano: "1" }), /a span without a name/],
        ["a binary body", 200, "\u0000\u0001\u0002", /not JSON: "\?\?\?"/],
    ])("exits 3, with a JSON report, when the traces query answers %s", async (_what, status, body, message) => {
        answer(status, body, status === 302 ? { Location: "http://127.0.0.1:1/" } : {});
        const code = await main(["--outputs", outputsFile(outputsFor(jaeger.url)), "--no-activity", "--json", "--timeout", "5"]);
        expect(code).toBe(3);
        const report = jsonReport();
        expect(report.exitCode).toBe(3);
        expect(report.error).toMatch(/^Jaeger at http:\/\/127\.0\.0\.1:\d+ answered wrongly: \/api\/v3\/traces /);
        expect(report.error).toMatch(message);
    });

    it.each([
        ["a 500", 500, "oops", /answered HTTP 500/],
        ["a page that is not the API", 200, "<html>Jaeger UI</html>", /not JSON/],
        ["JSON without services", 200, '{"data": []}', /without a "services" list/],
    ])("exits 3 when /api/v3/services answers %s: it is not a reachable Jaeger", async (_what, status, body, message) => {
        answer(status, body, {}, true);
        expect(await main(["--outputs", outputsFile(outputsFor(jaeger.url)), "--no-activity", "--json", "--timeout", "5"])).toBe(3);
        expect(jsonReport().error).toMatch(message);
        expect(jaeger.requests.filter((r) => r.startsWith("/api/v3/traces"))).toEqual([]);
    });

    it("cuts off a huge answer and exits 3", async () => {
        const chunk = Buffer.alloc(1024 * 1024, "x");
        jaeger.override = (req, res) => {
            if (req.url!.startsWith("/api/v3/services")) return false;
            res.writeHead(200, { "Content-Type": "application/json" });
            const pump = () => {
                while (res.write(chunk));
            };
            res.on("drain", pump);
            pump();
            return true;
        };
        expect(await main(["--outputs", outputsFile(outputsFor(jaeger.url)), "--no-activity", "--json", "--timeout", "20"])).toBe(3);
        expect(jsonReport().error).toMatch(/stopped answering: the answer is larger than 16777216 bytes/);
    });

    it("does not hang on a Jaeger that trickles its answer: the whole run ends at --timeout", async () => {
        const timers: NodeJS.Timeout[] = [];
        jaeger.override = (_req, res) => {
            res.writeHead(200, { "Content-Type": "application/json" });
            res.write("{");
            timers.push(setInterval(() => res.write(" "), 200));
            return true;
        };
        const started = Date.now();
        const code = await main(["--outputs", outputsFile(outputsFor(jaeger.url)), "--no-activity", "--json", "--timeout", "1"]);
        timers.forEach(clearInterval);
        expect(code).toBe(3);
        expect(jsonReport().error).toMatch(/did not answer: no complete answer within 1\.0s/);
        expect(Date.now() - started).toBeLessThan(3000);
    });

    it("gives a request no more than the time left: a silent Jaeger with --timeout 1 ends the run in about 1 s, not 10", async () => {
        jaeger.spans = [];
        let hang = false;
        jaeger.override = (req) => hang && req.url!.startsWith("/api/v3/traces");
        const started = Date.now();
        hang = true;
        const code = await main(["--outputs", outputsFile(outputsFor(jaeger.url)), "--no-activity", "--json", "--timeout", "1"]);
        expect(code).toBe(3);
        expect(jsonReport().error).toMatch(/stopped answering: no complete answer within (0\.\d|1\.0)s/);
        expect(Date.now() - started).toBeLessThan(3000);
    });
});

/**
 * A fake API server over TLS with a certificate made here (openssl), which asks for the client's
 * certificate, records each request with its traceparent, and answers the pod's lifecycle.
 */
class FakeApiServer {
    requests: { method: string; path: string; traceparent?: string; body: any; clientCert: boolean; authorization?: string }[] = [];
    /** HTTP status for the pod's create. */
    createStatus = 201;
    /** How many times the default ServiceAccount is not there yet (as right after a cluster came up). */
    accountMissing = 0;
    private server?: https.Server;
    url = "";
    ca = "";
    clientCert = "";
    clientKey = "";

    async start() {
        const dir = tempDir("pki");
        const openssl = (...args: string[]) => {
            const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
            if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
        };
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=fake-ca");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
        fs.writeFileSync(path.join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl(
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "1",
            "-extfile",
            "san.ext",
        );
        openssl(
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "client.key",
            "-out",
            "client.csr",
            "-subj",
            "/O=kubeadm:cluster-admins/CN=kubernetes-admin",
        );
        openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.crt", "-days", "1");
        const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
        [this.ca, this.clientCert, this.clientKey] = [read("ca.crt"), read("client.crt"), read("client.key")];
        this.server = https.createServer(
            { key: read("server.key"), cert: read("server.crt"), ca: this.ca, requestCert: true, rejectUnauthorized: false },
            (req, res) => {
                let body = "";
                req.on("data", (d) => (body += d));
                req.on("end", () => this.answer(req, body, res));
            },
        );
        await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
        this.url = `https://127.0.0.1:${(this.server.address() as any).port}`;
        return this;
    }

    private answer(req: http.IncomingMessage, body: string, res: http.ServerResponse) {
        const socket = req.socket as import("tls").TLSSocket;
        this.requests.push({
            method: req.method!,
            path: req.url!,
            traceparent: req.headers.traceparent as string | undefined,
            body: body ? JSON.parse(body) : undefined,
            clientCert: socket.authorized && Object.keys(socket.getPeerCertificate()).length > 0,
            authorization: req.headers.authorization,
        });
        res.setHeader("Content-Type", "application/json");
        if (req.url === "/api/v1/namespaces/kube-system")
            return res.end(JSON.stringify({ metadata: { name: "kube-system", creationTimestamp: "2026-11-24T11:58:20Z" } }));
        if (req.url === "/api/v1/namespaces/default/serviceaccounts/default") {
            if (this.accountMissing > 0) {
                this.accountMissing--;
                res.statusCode = 404;
                return res.end(JSON.stringify({ kind: "Status", reason: "NotFound" }));
            }
            return res.end(JSON.stringify({ metadata: { name: "default" } }));
        }
        if (req.method === "POST") {
            res.statusCode = this.createStatus;
            if (this.createStatus >= 300)
                return res.end(JSON.stringify({ kind: "Status", message: 'pods is forbidden: User "nobody" cannot create resource' }));
            return res.end(JSON.stringify({ ...JSON.parse(body), metadata: { ...JSON.parse(body).metadata, uid: "5b0e0c0c-1111-4aaa-8bbb-0123456789ab" } }));
        }
        if (req.method === "GET") return res.end(JSON.stringify({ status: { phase: "Succeeded" } }));
        return res.end(JSON.stringify({ kind: "Status", status: "Success" }));
    }

    kubeconfig(user: Record<string, string> = { "client-certificate-data": b64(this.clientCert), "client-key-data": b64(this.clientKey) }) {
        return toYaml({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "c", cluster: { server: this.url, "certificate-authority-data": b64(this.ca) } }],
            users: [{ name: "u", user }],
            contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
            "current-context": "x",
        });
    }

    close() {
        this.server?.closeAllConnections();
        return new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    }
}
const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("the test pod, through the API server", () => {
    let api: FakeApiServer;
    beforeAll(async () => (api = await new FakeApiServer().start()));
    beforeEach(() => {
        api.requests = [];
        api.createStatus = 201;
        api.accountMissing = 0;
    });
    afterAll(() => api.close());

    it("reads when the cluster was made, then creates, awaits and deletes the pod, every request under one traceparent and the kubeconfig's client certificate", async () => {
        const activity = await podActivity(api.kubeconfig(), "kubetracing.local/busybox:1.35.0")(20_000);
        expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
            "GET /api/v1/namespaces/kube-system",
            "GET /api/v1/namespaces/default/serviceaccounts/default",
            "POST /api/v1/namespaces/default/pods",
            `GET /api/v1/namespaces/default/pods/${activity.pod.name}`,
            `DELETE /api/v1/namespaces/default/pods/${activity.pod.name}`,
        ]);
        expect(new Set(api.requests.map((r) => r.traceparent))).toEqual(new Set([`00-${activity.traceId}-${api.requests[0].traceparent!.slice(36, 52)}-01`]));
        expect(api.requests[0].traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
        expect(api.requests.every((r) => r.clientCert && r.authorization === undefined)).toBe(true);
        expect(api.requests[2].body.spec).toEqual({
            restartPolicy: "Never",
            terminationGracePeriodSeconds: 0,
            containers: [{ name: "verify", image: "kubetracing.local/busybox:1.35.0", command: ["echo", "hi"] }],
        });
        expect(activity).toEqual({
            clusterCreatedMs: Date.UTC(2026, 10, 24, 11, 58, 20),
            startedMs: expect.any(Number),
            endedMs: expect.any(Number),
            traceId: activity.traceId,
            pod: { namespace: "default", name: activity.pod.name, uid: "5b0e0c0c-1111-4aaa-8bbb-0123456789ab" },
        });
        expect(activity.pod.name).toMatch(/^kubetracing-verify-[0-9a-z]+$/);
    });

    // Seen on the first real cluster: right after kind's create, the pod was refused for want of its ServiceAccount.
    it("waits for the namespace's default ServiceAccount before it creates the pod", async () => {
        api.accountMissing = 2;
        await podActivity(api.kubeconfig())(20_000);
        expect(api.requests.map((r) => `${r.method} ${r.path}`).slice(0, 5)).toEqual([
            "GET /api/v1/namespaces/kube-system",
            "GET /api/v1/namespaces/default/serviceaccounts/default",
            "GET /api/v1/namespaces/default/serviceaccounts/default",
            "GET /api/v1/namespaces/default/serviceaccounts/default",
            "POST /api/v1/namespaces/default/pods",
        ]);
    });

    it("sends a token kubeconfig's bearer token", async () => {
        await podActivity(api.kubeconfig({ token: "abc.def" }))(20_000);
        expect(api.requests.map((r) => r.authorization)).toEqual(Array(5).fill("Bearer abc.def"));
    });

    it("exits 2 with a JSON report naming the refusal when the API server refuses the pod", async () => {
        api.createStatus = 403;
        const jaeger = await new FakeJaeger().start();
        try {
            const f = path.join(tempDir("outputs"), "outputs.json");
            fs.writeFileSync(f, JSON.stringify({ ...outputsFor(jaeger.url), kubeconfig: api.kubeconfig() }));
            const out: string[] = [];
            jest.spyOn(process.stdout, "write").mockImplementation((s: any) => (out.push(String(s)), true));
            try {
                expect(await main(["--outputs", f, "--json", "--timeout", "5"])).toBe(2);
            } finally {
                jest.restoreAllMocks();
            }
            expect(JSON.parse(out.join(""))).toMatchObject({
                exitCode: 2,
                error: expect.stringMatching(
                    /^could not create the test pod with the stack's kubeconfig: POST \/api\/v1\/namespaces\/default\/pods answered HTTP 403: .*pods is forbidden.*; pass --no-activity/,
                ),
            });
        } finally {
            await jaeger.close();
        }
    });

    it.each([
        [{ exec: "aws" }, "authenticates with an exec or auth-provider plugin, which verify does not run"],
        [{ username: "admin" }, "has neither a client certificate and key nor a token for its current user"],
    ])("refuses a kubeconfig user %j, saying why and never its contents", async (user, why) => {
        await expect(podActivity(api.kubeconfig(user as Record<string, string>))(5_000)).rejects.toThrow(why);
        expect(api.requests).toEqual([]);
    });
});

// Jaeger outlives a replaced cluster: the spans of the one before must not make verify pass.
it("counts only spans that started after the cluster was created", async () => {
    const jaeger = await new FakeJaeger().start();
    try {
        const io = fakeIO();
        const created = io.now() - 60_000;
        io.activity = async () => ({
            clusterCreatedMs: created,
            startedMs: io.now() - 2000,
            endedMs: io.now(),
            traceId: "0af7651916cd43dd8448eb211c80319c",
            pod: { namespace: "default", name: "p", uid: "u" },
        });
        jaeger.spans = [
            ...all.map((service) => ({ service, name: "old cluster's", startMs: created - 5_000 })),
            { service: "etcd", name: "etcdserverpb.KV/Range", startMs: created + 1_000 },
        ];
        const report = await verify(outputsFor(jaeger.url), io, { ...options, timeoutMs: 6_000 });
        expect(report.components.map((c) => [c.component, c.spans])).toEqual([
            ["etcd", 1],
            ["apiserver", 0],
            ["kubelet", 0],
            ["containerd", 0],
        ]);
        expect(report.countedSince).toBe(new Date(created).toISOString());
        expect(report.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
        expect(report.exitCode).toBe(EXIT.missing);
    } finally {
        await jaeger.close();
    }
});

describe("verify's report, word for word", () => {
    let jaeger: FakeJaeger;
    beforeEach(async () => (jaeger = await new FakeJaeger().start()));
    afterEach(() => jaeger.close());

    it("a gap (containerd on k3s) is reported, not waited for, and fails nothing; the exporters are named", async () => {
        const io = fakeIO();
        jaeger.spans = [
            { service: "etcd", name: "etcdserverpb.KV/Range", startMs: io.now() - 3000 },
            { service: "etcd", name: "etcdserverpb.KV/Put", startMs: io.now() - 10_000 },
        ];
        const report = await verify(
            outputsFor(jaeger.url + "/", {
                tracedComponents: ["etcd", "containerd"],
                tracingGaps: { containerd: "k3s leaves out the span processor", etcd: "" },
                exporters: ["tempo", "vendor"],
            }),
            io,
            options,
        );
        expect(report.exitCode).toBe(EXIT.ok);
        // Found at once, so verify did not wait for containerd at all.
        expect(io.now() - Date.UTC(2026, 10, 24, 12, 0, 0)).toBe(0);
        const link = (service: string) => `${jaeger.url}/search?service=${service}`;
        expect(formatTable(report)).toBe(
            [
                `component   service     spans  newest  jaeger`,
                `etcd        etcd        2      3s ago  ${link("etcd")}`,
                `containerd  containerd  0      -       ${link("containerd")}`,
                ``,
                `MISSING containerd (this node image cannot trace it): k3s leaves out the span processor`,
                `the other 1 traced components reach Jaeger`,
                `exporters: tempo, vendor (the Collector also sends every span there; verify checks only the local Jaeger)`,
                ``,
            ].join("\n"),
        );
    });

    it("without the Collector's endpoints in the outputs, the causes still say where to look", async () => {
        const report = await verify({ jaegerUrl: jaeger.url, tracedComponents: ["etcd", "kubelet", "containerd"] }, fakeIO(), { ...options, timeoutMs: 3000 });
        expect(report.components.map((c) => c.likelyCause)).toEqual([
            "etcd sends only for requests it samples (rate ? per million); check etcd reaches the Collector",
            "the kubelet samples only with a rate; check the kubelet config file is loaded and that it reaches the Collector",
            "containerd reads tracing from OTEL_* env or, before 1.6.32 and 1.7.16, its TOML config and needs an http:// URL endpoint; check the node's containerd settings and that it reaches the Collector's OTLP/HTTP port",
        ]);
    });
});

describe("a traces answer that is not OTLP-JSON", () => {
    const answer = (result: unknown) => ({ status: 200, body: JSON.stringify({ result }) });
    const span = (startTimeUnixNano: unknown) => ({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: "x", startTimeUnixNano }] }] }] });

    it.each([
        [{ resourceSpans: [7] }, /answered OTLP-JSON with a resourceSpans entry that is not an object$/],
        [{ resourceSpans: [{ scopeSpans: ["x"] }] }, /answered OTLP-JSON with a scopeSpans entry that is not an object$/],
        [{ resourceSpans: [{ resource: { attributes: 1 } }] }, /answered OTLP-JSON with "resource\.attributes" that is not a list$/],
        [{ resourceSpans: [{ scopeSpans: 1 }] }, /answered OTLP-JSON with "scopeSpans" that is not a list$/],
        [{ resourceSpans: [{ scopeSpans: [{ spans: 1 }] }] }, /answered OTLP-JSON with "spans" that is not a list$/],
        [span(-5), /a span without a name and a startTimeUnixNano in nanoseconds: "\{\\"name\\":\\"x\\",\\"startTimeUnixNano\\":-5\}"$/],
        [span("x12"), /a span without a name and a startTimeUnixNano in nanoseconds/],
        [span("12x"), /a span without a name and a startTimeUnixNano in nanoseconds/],
    ])("%j is refused, naming what is wrong", (result, message) => {
        expect(() => spansOfTracesResponse(answer(result), "etcd")).toThrow(message);
    });

    it("takes a start time written as a JSON number, and a span of a resource with no service name", () => {
        expect(spansOfTracesResponse(answer(span(1_700_000_000_000_000)), "etcd").map((s) => [s.name, s.startNs, s.service])).toEqual([
            ["x", 1700000000000000n, ""],
        ]);
        expect(spansOfTracesResponse(answer(span(0)), "etcd").map((s) => [s.name, s.startNs])).toEqual([["x", 0n]]);
    });

    it("skips the spans of another service's resource", () => {
        const other = {
            resource: { attributes: [{ key: "service.name", value: { stringValue: "kubelet" } }] },
            scopeSpans: [{ spans: [{ name: "y", startTimeUnixNano: "1" }] }],
        };
        const mine = {
            resource: { attributes: [{ key: "service.name", value: { stringValue: "etcd" } }] },
            scopeSpans: [{ spans: [{ name: "x", startTimeUnixNano: "2" }] }],
        };
        expect(spansOfTracesResponse(answer({ resourceSpans: [other, mine] }), "etcd").map((s) => [s.name, s.startNs, s.service])).toEqual([["x", 2n, "etcd"]]);
    });
});
