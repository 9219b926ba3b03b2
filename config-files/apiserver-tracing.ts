// kube-apiserver's --tracing-config-file: a TracingConfiguration in the apiVersion the release accepts.
import type { TracingFacts } from "../versions/versions";

export interface ApiserverTracingConfiguration {
    apiVersion: string;
    kind: "TracingConfiguration";
    endpoint: string;
    samplingRatePerMillion: number;
}

export function apiserverTracingConfiguration(facts: TracingFacts, endpoint: string, samplingRatePerMillion: number): ApiserverTracingConfiguration {
    return {
        apiVersion: facts.apiserverTracingApiVersion,
        kind: "TracingConfiguration",
        endpoint,
        samplingRatePerMillion,
    };
}
