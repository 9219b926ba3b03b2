import { parse as parseYaml } from "yaml";
import { file, renderOf } from "./helpers";

/** The Jaeger config file as the stack writes it. */
const writtenJaegerConfig = (raw: Record<string, unknown> = {}) => parseYaml(file(renderOf(raw), "jaeger-config"));

describe("Jaeger v2 config", () => {
    it("turns off the query extension's self-tracing, which Jaeger v2.19.0 turns on by default", () => {
        // jaegertracing/jaeger v2.19.0 cmd/jaeger/internal/extension/jaegerquery/factory.go: EnableTracing = true;
        // the key is `enable_tracing` (internal/flags.go). Without it every UI or verify read may become a trace.
        const config = writtenJaegerConfig();
        expect(config.extensions.jaeger_query.enable_tracing).toBe(false);
        expect(config.service.extensions).toContain("jaeger_query");
    });

    it("serves the UI and query API on every interface of its container, so Docker's published port reaches it", () => {
        // Docker forwards the published port to the container's own address, which localhost inside it is not.
        const config = writtenJaegerConfig();
        expect(config.extensions.jaeger_query.http).toEqual({ endpoint: "0.0.0.0:16686" });
        expect(config.extensions.jaeger_storage.backends.memstore.memory.max_traces).toBe(50000);
    });
});
