// verify against a fake Jaeger that answers like Jaeger's API v3 HTTP gateway
// (cmd/query/app/apiv3/http_gateway.go): OTLP-JSON under "result", 404 {"error": …} when nothing matches.
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { EXIT, formatTable, spansOfTracesResponse, verify, VerifyIO, VerifyOutputs } from "../scripts/verify-core";
import { httpGet, main } from "../scripts/verify";

interface FakeSpan {
    service: string;
    name: string;
    startMs: number;
}

class FakeJaeger {
    spans: FakeSpan[] = [];
    requests: string[] = [];
    private server = http.createServer((req, res) => this.handle(req, res));
    url = "";

    async start() {
        await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
        this.url = `http://127.0.0.1:${(this.server.address() as any).port}`;
        return this;
    }
    close() {
        return new Promise<void>((r) => this.server.close(() => r()));
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse) {
        this.requests.push(req.url!);
        const u = new URL(req.url!, this.url);
        if (u.pathname === "/api/v3/services") {
            res.setHeader("Content-Type", "application/json");
            return res.end(JSON.stringify({ services: [...new Set(this.spans.map((s) => s.service))] }));
        }
        if (u.pathname === "/api/v3/traces") {
            const service = u.searchParams.get("query.service_name");
            const min = Date.parse(u.searchParams.get("query.start_time_min") ?? "");
            const max = Date.parse(u.searchParams.get("query.start_time_max") ?? "");
            if (Number.isNaN(min) || Number.isNaN(max)) {
                res.statusCode = 400;
                return res.end(JSON.stringify({ error: { httpCode: 400, message: "query.start_time_min and query.start_time_max are required" } }) + "\n");
            }
            const matching = this.spans.filter((s) => s.service === service && s.startMs >= min && s.startMs <= max);
            if (!matching.length) {
                res.statusCode = 404;
                res.setHeader("Content-Type", "text/plain; charset=utf-8");
                return res.end(JSON.stringify({ error: { httpCode: 404, message: "No traces found" } }) + "\n");
            }
            const body = {
                result: {
                    resourceSpans: [{
                        resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
                        scopeSpans: [{
                            scope: { name: "go.etcd.io/etcd" },
                            spans: matching.map((s, i) => ({
                                traceId: "0af7651916cd43dd8448eb211c80319c",
                                spanId: `b7ad6b71692033${String(i).padStart(2, "0")}`,
                                name: s.name,
                                kind: 2,
                                startTimeUnixNano: `${BigInt(s.startMs) * 1_000_000n}`,
                                endTimeUnixNano: `${BigInt(s.startMs + 3) * 1_000_000n}`,
                            })),
                        }],
                    }],
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
    ...extra,
});

/** A clock that only moves when verify sleeps; `onSleep` lets a test change Jaeger's state mid-wait. */
function fakeIO(onSleep: (elapsedMs: number) => void = () => undefined): VerifyIO & { activities: number } {
    let now = Date.UTC(2026, 10, 24, 12, 0, 0);
    const start = now;
    const io = {
        activities: 0,
        get: httpGet,
        activity: async () => void io.activities++,
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
        expect(table).toMatch(/MISSING containerd: containerd 2\.2\.5 reads only OTEL_\* env .* kubetracing-dev-collector:4318/);
    });

    it("partial: names exactly the missing components, with the sampling-rate cause when it is 0", async () => {
        const io = fakeIO();
        jaeger.spans = [
            { service: "apiserver", name: "HTTP GET", startMs: at(io, 2) },
            { service: "kubelet", name: "x", startMs: at(io, 2) },
        ];
        const report = await verify(outputsFor(jaeger.url, { samplingRatePerMillion: { etcd: 0, apiserver: 1000, kubelet: 1000, containerd: 1000 } }), io, options);
        expect(report.exitCode).toBe(EXIT.missing);
        expect(report.components.filter((c) => c.spans === 0).map((c) => c.component)).toEqual(["etcd", "containerd"]);
        expect(report.components.find((c) => c.component === "etcd")!.likelyCause).toMatch(/^sampling rate is 0: set kubetracing:etcdSamplingRatePerMillion/);
    });

    it("explains an etcd too old for a sampling rate", async () => {
        const report = await verify(outputsFor(jaeger.url, { tracedComponents: ["etcd"], bundledVersions: { etcd: "3.5.10" } }), fakeIO(), options);
        expect(report.components[0].likelyCause).toMatch(/etcd 3\.5\.10 has no sampling flag/);
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
        const report = await verify(outputsFor(jaeger.url), io, { ...options, timeoutMs: 6000 });
        expect(report.exitCode).toBe(EXIT.missing);
        expect(jaeger.requests.filter((r) => r.includes("service_name=etcd")).length).toBe(3);
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
        const body = JSON.stringify({ result: { resourceSpans: [
            { resource: { attributes: [{ key: "service.name", value: { stringValue: "etcd" } }] }, scopeSpans: [{ spans: [{ name: "a", startTimeUnixNano: "1" }] }] },
            { resource: { attributes: [{ key: "service.name", value: { stringValue: "apiserver" } }] }, scopeSpans: [{ spans: [{ name: "b", startTimeUnixNano: "2" }] }] },
        ] } });
        expect(spansOfTracesResponse({ status: 200, body }, "etcd").map((s) => s.name)).toEqual(["a"]);
        expect(spansOfTracesResponse({ status: 404, body: '{"error":{"httpCode":404,"message":"No traces found"}}\n' }, "etcd")).toEqual([]);
        expect(() => spansOfTracesResponse({ status: 500, body: "boom" }, "etcd")).toThrow(/Jaeger answered 500: boom/);
    });
});

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
    const outputsFile = (outputs: object) => {
        const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kt-verify-")), "outputs.json");
        fs.writeFileSync(f, JSON.stringify(outputs));
        return f;
    };

    it("prints JSON for machines and exits 0 when everything is there", async () => {
        jaeger.spans = all.map((service) => ({ service, name: "x", startMs: Date.now() - 2000 }));
        const code = await main(["--outputs", outputsFile(outputsFor(jaeger.url)), "--no-activity", "--json", "--timeout", "5"]);
        expect(code).toBe(0);
        const report = JSON.parse(out.join(""));
        expect(report.components.map((c: any) => c.spans)).toEqual([1, 1, 1, 1]);
    });

    it("exits 3 when Jaeger does not answer", async () => {
        const code = await main(["--outputs", outputsFile(outputsFor("http://127.0.0.1:1")), "--no-activity", "--timeout", "1"]);
        expect(code).toBe(3);
    });

    it.each([
        [[], /--stack or --outputs is needed/],
        [["--bogus"], /unknown argument --bogus/],
        [["--outputs", "x.json", "--timeout", "soon"], /--timeout soon: expected a positive number/],
    ])("exits 2 with the usage for %j", async (argv, message) => {
        expect(await main(argv as string[])).toBe(2);
        expect(err.join("\n")).toMatch(message);
        expect(err.join("\n")).toContain("usage: npm run verify");
    });

    it("exits 2 for outputs that are not a kubetracing stack's", async () => {
        expect(await main(["--outputs", outputsFile({ foo: 1 }), "--no-activity"])).toBe(2);
        expect(err.join()).toMatch(/no jaegerUrl or tracedComponents/);
    });
});
