// The kubelet has no tracing flag: tracing lives in a KubeletConfiguration (a file on k3s, a kubeadm patch on kind).
import type { TracingFacts } from "../versions/versions";

export interface KubeletTracingConfiguration {
    apiVersion: string;
    kind: "KubeletConfiguration";
    tracing: { endpoint: string; samplingRatePerMillion: number };
}

export function kubeletTracingConfiguration(facts: TracingFacts, endpoint: string, samplingRatePerMillion: number): KubeletTracingConfiguration {
    return {
        apiVersion: facts.kubeletConfigApiVersion,
        kind: "KubeletConfiguration",
        tracing: { endpoint, samplingRatePerMillion },
    };
}
