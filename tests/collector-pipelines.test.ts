// Every Collector-format config the stack renders (the backend Collector, Jaeger v2, the node agent):
// each component a pipeline or the service names must be defined, or the binary refuses to start.
import { parse as parseYaml } from "yaml";
import { file, hasRole, renderOf } from "./helpers";

const SECTIONS = ["receivers", "processors", "exporters", "connectors"] as const;

/** "exporters.otlp_grpc/jaeger" for each name used in service without a definition. */
function undefinedComponents(config: any): string[] {
    const missing: string[] = [];
    const defined = (section: string, name: string) => Object.hasOwn(config[section] ?? {}, name);
    for (const name of config.service?.extensions ?? []) if (!defined("extensions", name)) missing.push(`extensions.${name}`);
    for (const [pipeline, parts] of Object.entries<any>(config.service?.pipelines ?? {})) {
        for (const section of SECTIONS) {
            for (const name of parts[section] ?? []) {
                // A connector is an exporter of one pipeline and a receiver of another.
                if (!defined(section, name) && !defined("connectors", name)) missing.push(`${pipeline}: ${section}.${name}`);
            }
        }
    }
    return missing;
}

const ROLES = ["collector-config", "jaeger-config", "in-cluster-collector-config"];
const STACKS: Record<string, Record<string, unknown>> = {
    default: {},
    "node agent": { inClusterCollector: true },
    "node agent as the control plane's target": { inClusterCollector: true, controlPlaneTraceTarget: "node-agent" },
    "Collector 0.143 (old component names)": { inClusterCollector: true, collectorImage: "otel/opentelemetry-collector:0.143.0" },
    "team backends": {
        exporters: [
            { name: "tempo", endpoint: "https://tempo.example.com:4317", protocol: "grpc" },
            { name: "vendor", endpoint: "https://otlp.example.com", protocol: "http" },
        ],
    },
    "team backends without the local Jaeger": {
        exporters: [{ name: "tempo", endpoint: "https://tempo.example.com:4317", protocol: "grpc" }],
        localJaeger: false,
    },
};

describe("Collector-format configs name only components they define", () => {
    it.each(Object.entries(STACKS))("%s", (_what, raw) => {
        const rendered = renderOf(raw);
        const checked = ROLES.filter((role) => hasRole(rendered, role));
        expect(checked).toContain("collector-config");
        for (const role of checked) {
            const config = parseYaml(file(rendered, role));
            expect(Object.keys(config.service.pipelines).length).toBeGreaterThan(0);
            expect({ role, missing: undefinedComponents(config) }).toEqual({ role, missing: [] });
        }
    });

    it("the check finds a pipeline naming an exporter no section defines", () => {
        const config = parseYaml(file(renderOf(), "jaeger-config"));
        config.service.pipelines.traces.exporters.push("jaeger_storage");
        config.service.extensions.push("pprof");
        expect(undefinedComponents(config)).toEqual(["extensions.pprof", "traces: exporters.jaeger_storage"]);
    });
});
