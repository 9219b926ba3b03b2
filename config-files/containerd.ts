// containerd tracing. The environment form (OTEL_*) works on every containerd from 1.6.32/1.7.16
// on, and 1.7 honours it too; the TOML form is added only where the release's containerd still
// reads it (1.6.0–1.6.31, 1.7.0–1.7.15). Always OTLP/HTTP to a URL with a scheme.
import type { TracingFacts } from "../versions/versions";
import { samplingRatio, SERVICE_NAMES } from "../stack/endpoints";
import { generatedHeader, Provenance, tomlText } from "./file-text";

/** The plugin tables of a `version = 2` containerd config that switch tracing on. */
export interface ContainerdTracingTables {
    plugins: {
        "io.containerd.tracing.processor.v1.otlp": { endpoint: string; protocol: "http/protobuf"; insecure: boolean };
        "io.containerd.internal.v1.tracing": { sampling_ratio: number; service_name: string };
    };
}

export interface ContainerdTracing {
    env: Record<string, string>;
    /** Undefined when this containerd ignores the TOML form. */
    tables?: ContainerdTracingTables;
}

export function containerdTracing(facts: TracingFacts, endpointUrl: string, samplingRatePerMillion: number): ContainerdTracing {
    if (!/^https?:\/\//.test(endpointUrl)) throw new Error(`containerd needs a URL endpoint with a scheme, got ${endpointUrl}`);
    const ratio = samplingRatio(samplingRatePerMillion);
    const env = {
        OTEL_EXPORTER_OTLP_ENDPOINT: endpointUrl,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
        OTEL_SERVICE_NAME: SERVICE_NAMES.containerd,
        OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
        OTEL_TRACES_SAMPLER_ARG: String(ratio),
    };
    if (!facts.containerd.readsTomlTracing) return { env };
    const tables: ContainerdTracingTables = {
        plugins: {
            "io.containerd.tracing.processor.v1.otlp": { endpoint: endpointUrl, protocol: "http/protobuf", insecure: true },
            "io.containerd.internal.v1.tracing": { sampling_ratio: ratio, service_name: SERVICE_NAMES.containerd },
        },
    };
    return { env, tables };
}

/**
 * k3s containerd template: k3s's own default first (`{{ template "base" . }}`, k3s ≥ 1.27.5), then
 * only our tables. Never a copy of the whole default, which breaks across k3s releases.
 */
export function k3sContainerdTemplate(tables: ContainerdTracingTables, from: Provenance): string {
    return `${generatedHeader(from)}{{ template "base" . }}\n\n${tomlText(tables)}`;
}

/** kind's containerd.service has no EnvironmentFile: a systemd drop-in carries the env. */
export function systemdEnvironmentDropIn(env: Record<string, string>, from: Provenance): string {
    const lines = Object.entries(env).map(([k, v]) => `Environment=${JSON.stringify(`${k}=${v}`)}`);
    return generatedHeader(from) + ["[Service]", ...lines, ""].join("\n");
}

/** KEY=VALUE lines (# comments allowed, as in systemd's EnvironmentFile and docker's --env-file), for review and for starting a real containerd in the tests. */
export function envFile(env: Record<string, string>, from: Provenance): string {
    return (
        generatedHeader(from) +
        Object.entries(env)
            .map(([k, v]) => `${k}=${v}\n`)
            .join("")
    );
}
