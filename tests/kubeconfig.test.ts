import { parse as parseYaml } from "yaml";
import { normalizeKubeconfig } from "../config-files/kubeconfig";
import { FAKE_KUBECONFIG } from "./pulumi-harness";

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
