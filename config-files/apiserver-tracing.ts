// kube-apiserver's --tracing-config-file: a TracingConfiguration in the apiVersion the release accepts.
import type { TracingFacts } from "../versions/versions";
import { toYaml } from "./yaml-text";

export function renderApiserverTracingConfig(facts: TracingFacts, endpoint: string, samplingRatePerMillion: number): string {
    return toYaml({
        apiVersion: facts.apiserverTracingApiVersion,
        kind: "TracingConfiguration",
        endpoint,
        samplingRatePerMillion,
    });
}
