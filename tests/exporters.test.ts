// kubetracing:exporters and kubetracing:localJaeger: validation (every problem names the key,
// never a header value), the Collector's exporters (bounded, non-blocking queues), and secrecy:
// no header value in any rendered file, render.json, log line, registered input outside a Pulumi
// secret, or stack output.
import * as fs from "fs";
import * as path from "path";
import { inspect } from "util";
import { parse as parseYaml } from "yaml";
import { ConfigError, parseSettings, StackSettings } from "../settings/settings";
import { SecretText } from "../settings/exporters";
import { collectorEnvironment, QUEUED_SPAN_BYTES, TEAM_QUEUES_MEMORY_SHARE, teamQueueSpans } from "../config-files/team-exporters";
import { renderStack } from "../config-files/render-stack";
import { stackNames } from "../stack/names";
import { readStackConfig } from "../settings/stack-file";
import { render } from "../scripts/render";
import { checkOutputs, main as verifyMain } from "../scripts/verify";
import { formatTable } from "../scripts/verify-core";
import { useTempDirs } from "./helpers";
import { Registration, runProgram, runRefused, valueOf } from "./pulumi-harness";

const tmp = useTempDirs("exporters");

/** Header values no output may contain; distinctive enough that any leak is found by a substring search. */
const CANARY = "Bearer kt-canary-7c1f9e";
const ORG_CANARY = "kt-org-canary-31d0";
const CIPHERTEXT = "v1:kt-ciphertext-canary==";

const TEMPO = { name: "tempo", endpoint: "http://tempo:4317", protocol: "grpc", insecure: true, headers: { "X-Scope-OrgID": ORG_CANARY } };
const VENDOR = { name: "vendor", endpoint: "https://otlp.vendor.example/otlp", protocol: "http", headers: { Authorization: CANARY } };

/** Settings as `pulumi up` gives them: the exporters key is a Pulumi secret, its values decrypted. */
const secretSettings = (raw: Record<string, unknown>): StackSettings => parseSettings(raw, { secretKeys: ["kubetracing:exporters"] });
const withExporters = (list: unknown[], more: Record<string, unknown> = {}) => secretSettings({ exporters: JSON.stringify(list), ...more });

function problemsOf(raw: Record<string, unknown>, secret = true): string[] {
    try {
        parseSettings(raw, secret ? { secretKeys: ["kubetracing:exporters"] } : {});
    } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems;
    }
    throw new Error(`expected ${JSON.stringify(Object.keys(raw))} to be refused`);
}

describe("kubetracing:exporters settings", () => {
    it("defaults to no exporters and a local Jaeger", () => {
        const s = parseSettings({});
        expect(s.exporters).toEqual([]);
        expect(s.localJaeger).toBe(true);
    });

    it("reads each entry: the Collector's endpoint form, TLS, headers as environment variables holding SecretTexts", () => {
        const s = withExporters([TEMPO, VENDOR]);
        expect(s.exporters.map(({ name, protocol, endpoint, insecure }) => ({ name, protocol, endpoint, insecure }))).toEqual([
            { name: "tempo", protocol: "grpc", endpoint: "tempo:4317", insecure: true },
            { name: "vendor", protocol: "http", endpoint: "https://otlp.vendor.example/otlp", insecure: false },
        ]);
        expect(s.exporters[0].headers.map((h) => [h.name, h.envVar, h.value.reveal()])).toEqual([
            ["X-Scope-OrgID", "KUBETRACING_EXPORTER_0_HEADER_0", ORG_CANARY],
        ]);
        expect(collectorEnvironment(s.exporters).map((e) => e.name)).toEqual(["KUBETRACING_EXPORTER_0_HEADER_0", "KUBETRACING_EXPORTER_1_HEADER_0"]);
    });

    it("takes a gRPC https:// endpoint without a port as port 443, and insecure as the text Pulumi may hand over", () => {
        const s = withExporters([
            { name: "a", endpoint: "https://tempo.example.com", protocol: "grpc" },
            { name: "b", endpoint: "http://127.0.0.1:4318/", protocol: "http", insecure: "true" },
        ]);
        expect(s.exporters.map((e) => e.endpoint)).toEqual(["tempo.example.com:443", "http://127.0.0.1:4318"]);
    });

    it.each([
        [[{ ...TEMPO, name: "Tempo" }], /exporters\[0\]\.name = "Tempo": expected a lower-case name/],
        [[{ ...TEMPO, name: "jaeger" }], /exporters\[0\]\.name = "jaeger": the local Jaeger's exporter has that name/],
        [[TEMPO, { ...VENDOR, name: "tempo" }], /exporters\[1\]\.name = "tempo": kubetracing:exporters\[0\] has that name already/],
        [[{ ...TEMPO, name: undefined }], /exporters\[0\]\.name = \(missing\)/],
        [[{ ...TEMPO, protocol: "grpcs" }], /exporters\[0\]\.protocol = "grpcs": accepted grpc or http/],
        [[{ ...TEMPO, protocol: undefined }], /exporters\[0\]\.protocol = \(missing\): accepted grpc or http/],
        [[{ ...TEMPO, endpoint: "tempo:4317" }], /exporters\[0\]\.endpoint = "tempo:4317": scheme tempo: accepted https:\/\/ \(TLS\) or http:\/\//],
        [[{ ...TEMPO, endpoint: "ftp://tempo:21" }], /exporters\[0\]\.endpoint = "ftp:\/\/tempo:21": scheme ftp/],
        [[{ ...TEMPO, endpoint: "not a url" }], /exporters\[0\]\.endpoint = "not a url": contains a space/],
        [[{ ...TEMPO, endpoint: "https://" }], /exporters\[0\]\.endpoint = "https:\/\/": not a URL/],
        [[{ ...TEMPO, endpoint: 4317 }], /exporters\[0\]\.endpoint = number: expected a URL with its scheme/],
        [[{ ...TEMPO, endpoint: "http://tempo:4317/v1" }], /a gRPC endpoint has no path/],
        [[{ ...TEMPO, endpoint: "http://tempo:4317/${env:HOME}" }], /contains "\$"/],
        [[{ ...TEMPO, insecure: false }], /http:\/\/ is plaintext: set insecure: true/],
        [[{ ...VENDOR, insecure: true }], /insecure: true turns TLS off, but the scheme is https:\/\//],
        [[{ ...TEMPO, insecure: "yes" }], /exporters\[0\]\.insecure = "yes": expected true or false/],
        [[{ ...TEMPO, header: {} }], /exporters\[0\]\.header is not an exporter field; accepted name, endpoint, protocol, headers, insecure/],
        [["tempo"], /exporters\[0\] is string: expected an object/],
        [[{ ...TEMPO, headers: ["X-Scope-OrgID"] }], /exporters\[0\]\.headers is a list: expected a map of header name to a Pulumi secret/],
        [[{ ...TEMPO, headers: { "X Scope": "a" } }], /exporters\[0\]\.headers has the header name "X Scope"/],
        [[{ ...TEMPO, headers: { "${env:A}": "a" } }], /has the header name "\$\{env:A\}"/],
        [[{ ...TEMPO, headers: { "Content-Type": "a" } }], /headers\.Content-Type: the exporter sets this header itself/],
        [[{ ...TEMPO, headers: { "grpc-timeout": "1" } }], /headers\.grpc-timeout: the exporter sets this header itself/],
        [[{ ...TEMPO, headers: { "x-token-bin": "a" } }], /headers\.x-token-bin: gRPC sends "-bin" headers as binary/],
        [[{ ...TEMPO, headers: { "X-Token": "a", "x-token": "b" } }], /headers\.x-token: kubetracing:exporters\[0\]\.headers\.X-Token is the same header/],
        [[{ ...TEMPO, headers: { "X-Token": 5 } }], /headers\.X-Token: the value is number; expected a string set as a Pulumi secret/],
        [[{ ...TEMPO, headers: { "X-Token": "" } }], /headers\.X-Token: the value \(not shown\) is empty/],
        [[{ ...TEMPO, headers: { "X-Token": "a\r\nX-Evil: 1" } }], /headers\.X-Token: the value \(not shown\) contains a line break/],
        [[{ ...TEMPO, headers: { "X-Token": "tök" } }], /headers\.X-Token: the value \(not shown\) has characters outside printable ASCII/],
        [[{ ...TEMPO, headers: { "X-Token": "a${env:HOME}" } }], /headers\.X-Token: the value \(not shown\) contains "\$\{"/],
        [[1, 2, 3, 4, 5].map((i) => ({ ...TEMPO, name: `t${i}` })), /kubetracing:exporters lists 5 exporters; at most 4/],
    ])("refuses %j, naming the entry and field", (list, message) => {
        expect(problemsOf({ exporters: JSON.stringify(list) }).join("\n")).toMatch(message);
    });

    it("refuses localJaeger false with nothing to export to, and a Collector too old for the queue settings", () => {
        expect(problemsOf({ localJaeger: "false" })).toEqual([
            expect.stringMatching(/^kubetracing:localJaeger = false with no kubetracing:exporters: the spans would go nowhere/),
        ]);
        expect(problemsOf({ localJaeger: "no" }).join()).toMatch(/kubetracing:localJaeger = "no": expected true or false/);
        expect(problemsOf({ exporters: JSON.stringify([TEMPO]), collectorImage: "otel/opentelemetry-collector:0.110.0" }).join()).toMatch(
            /kubetracing:exporters need a Collector 0\.140\.0 or newer/,
        );
    });

    it("takes the exporters as secret when Pulumi names that key, with or without the namespace, and only that key", () => {
        const list = { exporters: JSON.stringify([VENDOR]) };
        expect(parseSettings(list, { secretKeys: ["exporters"] }).exporters[0].headers[0].value.reveal()).toBe(CANARY);
        expect(parseSettings(list, { secretKeys: ["kubetracing:exporters"] }).exporters[0].headers[0].value.reveal()).toBe(CANARY);
        for (const secretKeys of [["kubetracing:workers"], ["other:exporters"], []]) {
            expect(() => parseSettings(list, { secretKeys })).toThrow(/headers\.Authorization: the value \(not shown\) is in plain text/);
        }
    });

    it("refuses header values that are not Pulumi secrets, saying how to set them, and never shows them", () => {
        const problems = problemsOf({ exporters: JSON.stringify([TEMPO, VENDOR]) }, false);
        expect(problems).toEqual([
            `kubetracing:exporters[0].headers.X-Scope-OrgID: the value (not shown) is in plain text; header values must be Pulumi secrets: pulumi config set --secret --path 'kubetracing:exporters[0].headers.X-Scope-OrgID' VALUE`,
            `kubetracing:exporters[1].headers.Authorization: the value (not shown) is in plain text; header values must be Pulumi secrets: pulumi config set --secret --path 'kubetracing:exporters[1].headers.Authorization' VALUE`,
        ]);
    });

    it("never quotes a header value, an endpoint's credentials or query, or the whole list, in any problem", () => {
        const bad = [
            {
                name: "A",
                endpoint: `https://user:${CANARY.replace(/ /g, "")}@x:4317`,
                protocol: "grpc",
                headers: { "Bad Name": CANARY, Good: `${CANARY}\n`, Other: CANARY },
            },
            { name: "b", endpoint: `https://x/otlp?api_key=${ORG_CANARY}`, protocol: "http", headers: { "X-Key": CANARY } },
        ];
        const all = [
            ...problemsOf({ exporters: JSON.stringify(bad) }),
            ...problemsOf({ exporters: JSON.stringify(bad) }, false),
            ...problemsOf({ exporters: `[{"headers": {"A": "${CANARY}"}` }),
        ];
        expect(all.length).toBeGreaterThan(5);
        const text = all.join("\n");
        for (const secret of [CANARY, CANARY.replace(/ /g, ""), ORG_CANARY, "kt-canary"]) expect(text).not.toContain(secret);
        expect(text).toMatch(/"https:\/\/\*\*\*@x:4317": has credentials in it/);
        expect(text).toMatch(/"https:\/\/x\/otlp\?\*\*\*": has a query or fragment/);
        expect(text).toMatch(/kubetracing:exporters = \(not shown: it may hold secrets\): expected a list/);
    });
});

describe("SecretText", () => {
    it("prints, logs and serialises as [secret]; only reveal() hands the value out", () => {
        const s = new SecretText(CANARY);
        const shown = [
            String(s),
            `${s}`,
            JSON.stringify({ s }),
            inspect(s),
            inspect({ deep: [s] }),
            JSON.stringify(withExporters([VENDOR])),
            inspect(withExporters([VENDOR]), { depth: 10 }),
        ];
        for (const text of shown) expect(text).not.toContain("canary");
        expect(JSON.stringify({ s })).toBe('{"s":"[secret]"}');
        expect(s.reveal()).toBe(CANARY);
        expect(() => new SecretText(undefined).reveal()).toThrow(/encrypted in the stack file; only `pulumi up` decrypts it/);
    });
});

describe("the backend Collector's team exporters", () => {
    const collectorOf = (s: StackSettings) =>
        parseYaml(renderStack(s, stackNames("kubetracing", "t")).artifacts.find((a) => a.role === "collector-config")!.content);

    it("adds one OTLP exporter per entry to the traces pipeline, beside the local Jaeger's, headers as ${env:…} references", () => {
        const c = collectorOf(withExporters([TEMPO, VENDOR]));
        expect(c.service.pipelines.traces.exporters).toEqual(["otlp_grpc/jaeger", "otlp_grpc/tempo", "otlp_http/vendor"]);
        expect(c.exporters["otlp_grpc/tempo"]).toMatchObject({
            endpoint: "tempo:4317",
            tls: { insecure: true },
            headers: { "X-Scope-OrgID": "${env:KUBETRACING_EXPORTER_0_HEADER_0}" },
        });
        expect(c.exporters["otlp_http/vendor"]).toMatchObject({
            endpoint: "https://otlp.vendor.example/otlp",
            headers: { Authorization: "${env:KUBETRACING_EXPORTER_1_HEADER_0}" },
        });
        expect(c.exporters["otlp_http/vendor"].tls).toBeUndefined();
        // The local Jaeger's exporter is unchanged.
        expect(c.exporters["otlp_grpc/jaeger"]).toEqual(collectorOf(secretSettings({})).exporters["otlp_grpc/jaeger"]);
    });

    it.each([64, 512, 8192])("bounds every team queue (non-blocking, in spans) within a quarter of a %i MiB memory limit, and every retry in time", (limit) => {
        for (const count of [1, 2, 4]) {
            const list = [TEMPO, VENDOR, { ...VENDOR, name: "c" }, { ...VENDOR, name: "d" }].slice(0, count);
            const c = collectorOf(withExporters(list, { collectorMemoryLimitMiB: String(limit) }));
            const team = Object.entries(c.exporters)
                .filter(([id]) => id !== "otlp_grpc/jaeger")
                .map(([, e]) => e as any);
            expect(team).toHaveLength(count);
            let queued = 0;
            for (const e of team) {
                expect(e.sending_queue).toEqual({
                    enabled: true,
                    sizer: "items",
                    queue_size: teamQueueSpans(limit, count),
                    num_consumers: 4,
                    block_on_overflow: false,
                });
                expect(e.retry_on_failure).toMatchObject({ enabled: true, max_elapsed_time: "300s" });
                expect(e.timeout).toBe("10s");
                // No batch is larger than a queue (a larger one would be refused whole).
                expect(e.sending_queue.queue_size).toBeGreaterThanOrEqual(c.processors.batch.send_batch_max_size);
                queued += e.sending_queue.queue_size;
            }
            expect(queued * QUEUED_SPAN_BYTES).toBeLessThanOrEqual(limit * 1024 * 1024 * TEAM_QUEUES_MEMORY_SHARE);
        }
    });

    it("leaves the default Collector config as it was: no team exporter, no batch cap", () => {
        const c = collectorOf(secretSettings({}));
        expect(Object.keys(c.exporters)).toEqual(["otlp_grpc/jaeger"]);
        expect(c.processors.batch).toEqual({ send_batch_size: 1024, timeout: "2s" });
    });

    it("uses an older Collector's exporter names (otlp, otlphttp before 0.144.0)", () => {
        const c = collectorOf(withExporters([TEMPO, VENDOR], { collectorImage: "otel/opentelemetry-collector:0.143.0" }));
        expect(c.service.pipelines.traces.exporters).toEqual(["otlp/jaeger", "otlp/tempo", "otlphttp/vendor"]);
    });

    it("localJaeger false: the Collector exports only to the team backends, and there is no Jaeger config", () => {
        const s = withExporters([TEMPO], { localJaeger: "false" });
        const rendered = renderStack(s, stackNames("kubetracing", "t"));
        expect(rendered.artifacts.map((a) => a.role)).not.toContain("jaeger-config");
        expect(collectorOf(s).service.pipelines.traces.exporters).toEqual(["otlp_grpc/tempo"]);
        expect(rendered.exporterNames).toEqual(["tempo"]);
    });

    it("changes nothing the cluster is replaced on: the summary (the cluster's trigger) does not mention exporters", () => {
        const summary = (s: StackSettings) => renderStack(s, stackNames("kubetracing", "t")).artifacts.find((a) => a.role === "summary")!.content;
        expect(summary(withExporters([TEMPO], { localJaeger: "false" }))).toBe(summary(secretSettings({})));
    });
});

describe("secrecy of the header values", () => {
    const leaks = (text: string) => [CANARY, ORG_CANARY, "kt-canary", CIPHERTEXT].filter((s) => text.includes(s));

    it("no rendered file and no note holds a header value", () => {
        const rendered = renderStack(withExporters([TEMPO, VENDOR], { engine: "kind", inClusterCollector: "true" }), stackNames("kubetracing", "t"));
        for (const a of rendered.artifacts) expect(leaks(a.content)).toEqual([]);
        expect(leaks(JSON.stringify(rendered))).toEqual([]);
        expect(rendered.notes.join("\n")).toMatch(/exporters\[0\] \(tempo\) sends its headers and spans unencrypted to tempo/);
    });

    it("npm run render takes the ciphertext from the stack file, decrypts nothing, and writes neither it nor a value anywhere (render.json: names only)", () => {
        const dir = tmp("stack");
        const stackFile = path.join(dir, "Pulumi.team.yaml");
        fs.writeFileSync(
            stackFile,
            [
                "config:",
                "  kubetracing:localJaeger: false",
                "  kubetracing:exporters:",
                "    - name: tempo",
                "      endpoint: https://tempo.example.com:4317",
                "      protocol: grpc",
                "      headers:",
                "        X-Scope-OrgID:",
                `          secure: ${CIPHERTEXT}`,
                "    - name: vendor",
                "      endpoint: https://otlp.vendor.example",
                "      protocol: http",
                "      insecure: false",
                "      headers:",
                "        Authorization:",
                `          secure: ${CIPHERTEXT}`,
                "",
            ].join("\n"),
        );
        const out = path.join(dir, "out");
        render(["--config", stackFile, "--out", out]);
        const index = JSON.parse(fs.readFileSync(path.join(out, "render.json"), "utf8"));
        expect(index.exporters).toEqual(["tempo", "vendor"]);
        expect(index.artifacts["jaeger-config"]).toBeUndefined();
        for (const f of fs.readdirSync(out)) expect(leaks(fs.readFileSync(path.join(out, f), "utf8"))).toEqual([]);
        expect(fs.readFileSync(path.join(out, "collector-config.yaml"), "utf8")).toContain("Authorization: ${env:KUBETRACING_EXPORTER_1_HEADER_0}");
    });

    it("a stack file with a header value in plain text, or the whole list as one secret, is refused by render", () => {
        const plain = readStackConfig("config:\n  kubetracing:exporters:\n    - {name: t, endpoint: 'https://t:4317', protocol: grpc, headers: {A: plain}}\n");
        expect(() => parseSettings(plain)).toThrow(/exporters\[0\]\.headers\.A: the value \(not shown\) is in plain text/);
        expect(() => readStackConfig(`config:\n  kubetracing:exporters:\n    secure: ${CIPHERTEXT}\n`)).toThrow(
            /kubetracing:exporters is one secret in the stack file; set the list in plain text and only its header values as secrets/,
        );
    });
});

/** Every registered input with Pulumi secrets replaced by "[secret]", as a preview diff shows it. */
function withoutSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutSecrets);
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return "[secret]";
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, withoutSecrets(v)]));
    }
    return value;
}
const secretValue = (value: any) => (value?.["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270" ? value.value : undefined);
const byName = (regs: Registration[], name: string) => regs.find((r) => r.name === name);

describe("the program under mocks", () => {
    const config = { exporters: JSON.stringify([TEMPO, VENDOR]) };

    describe.each([true, false])("preview=%s", (preview) => {
        it("hands the Collector its header values only as a secret envs input (and a secret output), and nothing else holds them", async () => {
            const { registrations, outputs } = await runProgram(config, { preview, stack: "team", secretKeys: ["exporters"] });
            const collector = byName(registrations, "backend-collector")!;
            expect(secretValue(collector.inputs.envs)).toEqual([`KUBETRACING_EXPORTER_0_HEADER_0=${ORG_CANARY}`, `KUBETRACING_EXPORTER_1_HEADER_0=${CANARY}`]);
            expect(collector.additionalSecretOutputs).toEqual(["envs"]);
            expect(JSON.stringify(withoutSecrets(registrations.map((r) => r.inputs)))).not.toMatch(/canary/);
            expect(collector.inputs.uploads[0].content).toContain("${env:KUBETRACING_EXPORTER_1_HEADER_0}");
            expect(await valueOf(outputs.exporters)).toEqual(["tempo", "vendor"]);
            // In a preview the ports are unknown, and so are the outputs made from them.
            if (!preview) expect(JSON.stringify(await Promise.all(Object.values(outputs).map((o) => valueOf(o))))).not.toMatch(/canary/);
        });
    });

    it("a stack without exporters gives the Collector no envs at all (its container is not replaced on upgrade)", async () => {
        const { registrations, outputs } = await runProgram({}, { preview: true, stack: "plain" });
        const collector = byName(registrations, "backend-collector")!;
        expect(collector.inputs.envs).toBeUndefined();
        expect(collector.additionalSecretOutputs).toEqual([]);
        expect(outputs.exporters).toEqual([]);
    });

    it("refuses header values whose key is not a Pulumi secret, before anything is registered", async () => {
        const { error, registrations } = await runRefused(config, { preview: true, stack: "team" });
        expect(error.message).toMatch(/kubetracing:exporters\[1\]\.headers\.Authorization: the value \(not shown\) is in plain text/);
        expect(error.message).not.toMatch(/canary/);
        expect(registrations).toEqual([]);
    });

    it("localJaeger false: no Jaeger image or container, no jaegerUrl output, the Collector starts on its own", async () => {
        const { registrations, outputs } = await runProgram({ ...config, localJaeger: "false" }, { preview: false, stack: "fwd", secretKeys: ["exporters"] });
        expect(registrations.map((r) => r.name)).not.toEqual(expect.arrayContaining(["backend-jaeger"]));
        expect(registrations.filter((r) => /jaeger/.test(r.name))).toEqual([]);
        expect(byName(registrations, "backend-collector")!.dependencies.filter((urn) => /jaeger/.test(urn))).toEqual([]);
        expect(outputs.jaegerUrl).toBeUndefined();
        expect(await valueOf(outputs.otlpGrpcEndpoint)).toMatch(/^127\.0\.0\.1:\d+$/);
    });
});

describe("npm run verify with exporters", () => {
    const outputs = { jaegerUrl: "http://127.0.0.1:1", tracedComponents: ["etcd"], exporters: ["tempo", "vendor"] };

    it("names the configured exporters under the table, and says it checks only the local Jaeger", () => {
        const table = formatTable({
            exitCode: 0,
            jaegerUrl: outputs.jaegerUrl,
            exporters: outputs.exporters,
            components: [{ component: "etcd", serviceName: "etcd", spans: 3, newestSpanAgeSeconds: 1, jaegerLink: "x" }],
        });
        expect(table).toMatch(/^exporters: tempo, vendor \(the Collector also sends every span there; verify checks only the local Jaeger\)$/m);
        expect(formatTable({ exitCode: 0, jaegerUrl: "x", components: [] })).not.toMatch(/exporters/);
    });

    it("without a local Jaeger, exits 2 saying there is nothing it can ask and where the spans go", async () => {
        const f = path.join(tmp("verify"), "outputs.json");
        fs.writeFileSync(f, JSON.stringify({ tracedComponents: ["etcd", "kubelet"], exporters: ["tempo"] }));
        const errors: string[] = [];
        jest.spyOn(console, "error").mockImplementation((s: unknown) => void errors.push(String(s)));
        try {
            expect(await verifyMain(["--outputs", f, "--no-activity"])).toBe(2);
        } finally {
            jest.restoreAllMocks();
        }
        expect(errors.join("\n")).toMatch(
            /this stack runs no local Jaeger \(kubetracing:localJaeger is false\), and verify can only ask a local Jaeger; its spans go to the exporters tempo: look there for the services etcd, kubelet/,
        );
    });

    it("refuses an exporters output that is not a list of names", () => {
        expect(() => checkOutputs({ ...outputs, exporters: "tempo" })).toThrow(/exporters "tempo": expected a list of exporter names/);
        expect(checkOutputs(outputs).exporters).toEqual(["tempo", "vendor"]);
    });
});
