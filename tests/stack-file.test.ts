// A stack file read the way the Pulumi CLI hands its values to the program.
import { readStackConfig, StackFileError } from "../settings/stack-file";
import { settingsOf } from "./helpers";

describe("stack files", () => {
    it("hands plain scalars over as the text written, lists and maps as their values", () => {
        const config = readStackConfig(
            [
                "config:",
                "  kubetracing:kubernetesVersion: 1.30",
                "  kubetracing:workers: 2",
                "  kubetracing:inClusterCollector: true",
                "  kubetracing:jaegerImage: 'jaeger:2.19.0'",
                "  kubetracing:tracedComponents: [etcd, kubelet]",
                "  kubetracing:collectorImage:",
                "  aws:tags: {team: x}",
            ].join("\n"),
        );
        expect({ ...config }).toEqual({
            "kubetracing:kubernetesVersion": "1.30",
            "kubetracing:workers": "2",
            "kubetracing:inClusterCollector": "true",
            "kubetracing:jaegerImage": "jaeger:2.19.0",
            "kubetracing:tracedComponents": ["etcd", "kubelet"],
            "kubetracing:collectorImage": "",
            "aws:tags": { team: "x" },
        });
        expect(settingsOf(config).release.kubernetesMinor).toBe("1.30");
    });

    it.each(["2.0", "0x5", "1e1", "+2", "2_0"])("an integer setting written %s is refused, as pulumi up refuses it", (text) => {
        expect(() => settingsOf(readStackConfig(`config:\n  kubetracing:workers: ${text}\n`))).toThrow(
            new RegExp(`kubetracing:workers = "${text.replace("+", "\\+")}": expected a whole number`),
        );
    });

    it("reads the old namespace:config:name form as Pulumi does", () => {
        expect(Object.keys(readStackConfig("config:\n  kubetracing:config:workers: 2\n"))).toEqual(["kubetracing:workers"]);
    });

    it.each([
        ["a typo of config:", "confg:\n  kubetracing:engine: kind\n", /unknown top-level key "confg"; a stack file has config, secretsprovider/],
        ["no config: at all", "encryptionsalt: v1:abc\n", /has no config: map; write config: \{\} for all defaults/],
        ["an empty file", "", /expected a map with a config: key/],
        ["config: as a list", "config:\n  - kubetracing:engine: kind\n", /has no config: map \(config: is a list\)/],
        ["an empty config:", "config:\n", /has no config: map \(config: is not a map\)/],
        ["a bare key", "config:\n  engine: kind\n", /config key "engine" has no namespace; Pulumi needs namespace:name, e.g. kubetracing:engine/],
        ["a key ending in a colon", "config:\n  'kubetracing:': kind\n", /config key "kubetracing:" has no namespace/],
        ["a duplicated key", "config:\n  kubetracing:engine: kind\n  kubetracing:engine: k3d\n", /is not valid YAML: Map keys must be unique/],
        ["broken YAML", "config: [\n", /is not valid YAML/],
        ["a secret", "config:\n  kubetracing:engine:\n    secure: AAABAK==\n", /kubetracing:engine is a secret in the stack file/],
    ])("refuses %s", (_what, text, message) => {
        expect(() => readStackConfig(text, "Pulumi.x.yaml")).toThrow(StackFileError);
        expect(() => readStackConfig(text, "Pulumi.x.yaml")).toThrow(message);
    });

    it("a __proto__ key is a key like any other, refused as unknown, and changes nothing else", () => {
        const config = readStackConfig("config:\n  kubetracing:__proto__:\n    engine: kind\n  kubetracing:workers: 0\n");
        expect(Object.keys(config)).toEqual(["kubetracing:__proto__", "kubetracing:workers"]);
        expect(() => settingsOf(config)).toThrow(/kubetracing:__proto__ is not a setting of this stack/);
    });
});
