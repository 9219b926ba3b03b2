import { spawnSync } from "child_process";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { KubeconfigError, normalizeKubeconfig } from "../stack/kubeconfig";
import { FAKE_KUBECONFIG } from "./pulumi-harness";
import { PROJECT_DIR } from "./helpers";

const kindStyle = `apiVersion: v1
kind: Config
preferences: {}
current-context: kind-kubetracing-dev
users:
- name: kind-kubetracing-dev
  user:
    client-key-data: S0VZ
    client-certificate-data: Q0VSVA==
- name: someone-else
  user: {token: abc}
contexts:
- name: other
  context: {cluster: elsewhere, user: someone-else}
- name: kind-kubetracing-dev
  context: {cluster: kind-kubetracing-dev, user: kind-kubetracing-dev}
clusters:
- name: elsewhere
  cluster: {server: "https://10.0.0.1:6443"}
- name: kind-kubetracing-dev
  cluster:
    server: https://127.0.0.1:41234
    certificate-authority-data: Q0EtREFUQQ==
`;

describe("kubeconfig normalization", () => {
    it("keeps exactly the active cluster, user and context under the stack's names", () => {
        expect(parseYaml(normalizeKubeconfig(FAKE_KUBECONFIG, "kubetracing-dev"))).toEqual({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "kubetracing-dev", cluster: { "certificate-authority-data": "Q0EtREFUQQ==", server: "https://127.0.0.1:41234" } }],
            users: [{ name: "kubetracing-dev", user: { "client-certificate-data": "Q0VSVA==", "client-key-data": "S0VZ" } }],
            contexts: [{ name: "kubetracing-dev", context: { cluster: "kubetracing-dev", user: "kubetracing-dev" } }],
            "current-context": "kubetracing-dev",
        });
    });

    it("gives the same text for the same cluster however the engine names and orders it", () => {
        expect(normalizeKubeconfig(kindStyle, "kubetracing-dev")).toBe(normalizeKubeconfig(FAKE_KUBECONFIG, "kubetracing-dev"));
    });

    it("differs when the cluster does (a replaced cluster has a new server port)", () => {
        const replaced = FAKE_KUBECONFIG.replace("127.0.0.1:41234", "127.0.0.1:40001");
        expect(normalizeKubeconfig(replaced, "x")).not.toBe(normalizeKubeconfig(FAKE_KUBECONFIG, "x"));
    });

    it("refuses a kubeconfig without a usable current context", () => {
        expect(() => normalizeKubeconfig("apiVersion: v1\nkind: Config\n", "x")).toThrow(/no current context/);
    });
});

describe("a malformed kubeconfig from the engine", () => {
    // Recognisable stand-ins for the credentials a real kubeconfig carries.
    const KEY = "UFJJVkFURS1LRVktTUFURVJJQUw=";
    const TOKEN = "secret-token-4f9a";
    const withCredentials = FAKE_KUBECONFIG.replace("client-key-data: S0VZ", `client-key-data: ${KEY}\n    token: ${TOKEN}`);
    const malformed: [string, string][] = [
        ["a duplicated key", withCredentials.replace(`client-key-data: ${KEY}`, `client-key-data: ${KEY}\n    client-key-data: ${KEY}`)],
        ["bad indentation", withCredentials.replace(`    token: ${TOKEN}`, `      token: ${TOKEN}\n   x`)],
        ["an unclosed quote", withCredentials.replace(`token: ${TOKEN}`, `token: "${TOKEN}`)],
        ["a tab for indentation", withCredentials.replace(`    token: ${TOKEN}`, `\ttoken: ${TOKEN}`)],
        ["a list at the top", `- ${KEY}\n- ${TOKEN}\n`],
        [
            "an unknown tag and no usable context",
            withCredentials
                .replace(`token: ${TOKEN}`, `token: !secret ${TOKEN}`)
                .replace(/contexts:\n[\s\S]*?current-context/, "contexts: []\ncurrent-context"),
        ],
    ];

    it.each(malformed)("with %s: the error names the problem and carries none of its text", (_what, text) => {
        const warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
        const consoleWarn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
        let message = "";
        try {
            normalizeKubeconfig(text, "x");
        } catch (err) {
            expect(err).toBeInstanceOf(KubeconfigError);
            message = (err as Error).message;
        }
        const printed = JSON.stringify([warn.mock.calls, consoleWarn.mock.calls]);
        warn.mockRestore();
        consoleWarn.mockRestore();
        expect(message).toMatch(/^the engine's kubeconfig .*; its text is not shown because it holds the cluster's credentials$/);
        for (const secret of [KEY, TOKEN, "client-key-data"]) {
            expect(message).not.toContain(secret);
            expect(printed).not.toContain(secret);
        }
    });

    it("under mocks: the error that fails the stack names the cluster component and carries no credentials", () => {
        const r = runStackInChild({ KUBETRACING_FAKE_KUBECONFIG: malformed[0][1] });
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(
            /program failed: ResourceError on urn:pulumi:child::kubetracing::kubetracing:cluster:EngineCluster::kubernetes: (error serializing property "\w+": )?cluster kubetracing-child: the engine's kubeconfig is not valid YAML \(DUPLICATE_KEY at line 20, column 5\)/,
        );
        for (const secret of [KEY, TOKEN]) expect(r.stderr + r.stdout).not.toContain(secret);
    });
});

function runStackInChild(env: Record<string, string>) {
    return spawnSync(path.join(PROJECT_DIR, "node_modules/.bin/ts-node"), ["--transpile-only", "--swc", "tests/stack-in-child.ts"], {
        cwd: PROJECT_DIR,
        env: { ...process.env, ...env },
        encoding: "utf8",
        timeout: 60_000,
    });
}

describe("a backend container Docker publishes no port for (stopped, say)", () => {
    it("fails the stack with a ResourceError on the backend component that says what to do", () => {
        const r = runStackInChild({ KUBETRACING_FAKE_KUBECONFIG: FAKE_KUBECONFIG, KUBETRACING_UNPUBLISHED_PORTS: "1" });
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(
            /program failed: ResourceError on urn:pulumi:child::kubetracing::kubetracing:backend:ObservabilityBackend::backend: (error serializing property "\w+": )?container kubetracing-child-collector: Docker reports no host port for its port 4317; is the container running\? \(docker start kubetracing-child-collector, then pulumi up --refresh\)/,
        );
    });
});
