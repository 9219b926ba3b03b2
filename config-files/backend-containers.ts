// The two backend containers as plain data: what components/observability-backend.ts hands the
// Docker provider, and what the trace-path test tier hands a real dockerd. One description, so the
// tier runs exactly the containers the stack runs.
import { COLLECTOR_HEALTH_PORT, JAEGER_UI_PORT, OTLP_GRPC_PORT, OTLP_HTTP_PORT } from "../stack/endpoints";
import type { StackNames } from "../stack/names";
import type { HostPorts } from "../settings/settings";
import type { SecretText } from "../settings/exporters";

export const JAEGER_CONFIG_PATH = "/etc/jaeger/kubetracing.yaml";
export const COLLECTOR_CONFIG_PATH = "/etc/otelcol/kubetracing.yaml";
/** The Collector's health port is for the readiness check from this machine only, whatever hostBindAddress says. */
export const HEALTH_CHECK_HOST = "127.0.0.1";

export interface PublishedPort {
    internal: number;
    /** Host address it binds. */
    ip: string;
    /** Host port; absent lets Docker choose a free one. */
    external?: number;
}

export interface BackendContainer {
    name: string;
    image: string;
    /** Arguments after the image's entrypoint. */
    command: string[];
    /** The rendered config, written into the container before it starts. */
    upload: { file: string; content: string };
    /** Sorted by internal port: the provider reads ports back sorted, so another order is a diff on every refresh. */
    ports: PublishedPort[];
    /** Environment variables: the team exporters' header values, secrets (absent when there are none). */
    env?: { name: string; value: SecretText }[];
}

export interface BackendContainers {
    network: string;
    /** Absent with localJaeger: false. */
    jaeger?: BackendContainer;
    /** Started after Jaeger, which it exports to. */
    collector: BackendContainer;
    /** The address URLs on the host use (a wildcard bind is reached on loopback). */
    hostForUrls: string;
}

export interface BackendContainersInput {
    names: StackNames;
    jaegerImage: string;
    collectorImage: string;
    /** Absent with localJaeger: false: then there is no Jaeger container. */
    jaegerConfig?: string;
    collectorConfig: string;
    /** The Collector's environment (config-files/team-exporters.ts collectorEnvironment). */
    collectorEnv?: { name: string; value: SecretText }[];
    hostBindAddress: string;
    hostPorts: HostPorts;
}

export function backendContainers(input: BackendContainersInput): BackendContainers {
    const publish = (internal: number, external: number, ip = input.hostBindAddress): PublishedPort => ({ internal, ip, ...(external ? { external } : {}) });
    const byInternal = (ports: PublishedPort[]) => [...ports].sort((a, b) => a.internal - b.internal);
    return {
        network: input.names.network,
        ...(input.jaegerConfig === undefined
            ? {}
            : {
                  jaeger: {
                      name: input.names.jaegerContainer,
                      image: input.jaegerImage,
                      command: ["--config", JAEGER_CONFIG_PATH],
                      upload: { file: JAEGER_CONFIG_PATH, content: input.jaegerConfig },
                      ports: [publish(JAEGER_UI_PORT, input.hostPorts.jaegerUi)],
                  },
              }),
        collector: {
            name: input.names.collectorContainer,
            image: input.collectorImage,
            command: [`--config=${COLLECTOR_CONFIG_PATH}`],
            upload: { file: COLLECTOR_CONFIG_PATH, content: input.collectorConfig },
            ports: byInternal([
                publish(OTLP_GRPC_PORT, input.hostPorts.otlpGrpc),
                publish(OTLP_HTTP_PORT, input.hostPorts.otlpHttp),
                // Published only for the readiness check from the host.
                publish(COLLECTOR_HEALTH_PORT, 0, HEALTH_CHECK_HOST),
            ]),
            ...(input.collectorEnv?.length ? { env: input.collectorEnv } : {}),
        },
        hostForUrls: input.hostBindAddress === "0.0.0.0" ? "127.0.0.1" : input.hostBindAddress,
    };
}
