import { parse as parseYaml } from "yaml";
import { renderJaegerConfig } from "../config-files/jaeger-config";

describe("Jaeger v2 config", () => {
    it("turns off the query extension's self-tracing, which Jaeger v2.19.0 turns on by default", () => {
        // jaegertracing/jaeger v2.19.0 cmd/jaeger/internal/extension/jaegerquery/factory.go: EnableTracing = true;
        // the key is `enable_tracing` (internal/flags.go). Without it every UI or verify read may become a trace.
        const config = parseYaml(renderJaegerConfig(50000));
        expect(config.extensions.jaeger_query.enable_tracing).toBe(false);
        expect(config.service.extensions).toContain("jaeger_query");
    });
});
