import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import * as command from "@pulumi/command";
import { COLLECTOR_HEALTH_PORT, JAEGER_UI_PORT, OTLP_GRPC_PORT, OTLP_HTTP_PORT, otlpGrpcAddress, otlpHttpUrl } from "../stack/endpoints";
import { BackendContainer, backendContainers, BackendContainersInput, HEALTH_CHECK_HOST } from "../config-files/backend-containers";
import { formerChildAliases, formerComponentAliases } from "../stack/names";

/** Names, pinned images (tag or digest, never latest), rendered configs, host address and ports (0: Docker chooses). */
export interface ObservabilityBackendArgs extends BackendContainersInput {
    /** The logical name stacks made before LOGICAL_NAMES gave this component (stack/names.ts); the component and its children are aliased to it. */
    formerName?: string;
}

/** How long `pulumi up` waits for the Collector before giving up on creating the cluster. */
const COLLECTOR_READY_TIMEOUT_SECONDS = 120;

/**
 * Jaeger v2 (unless localJaeger is false) and an OpenTelemetry Collector on a Docker network owned by the stack. `ready`
 * resolves only once the Collector answers its health check from the host (the image has no
 * shell for an in-container check), so a cluster made after it loses no early spans.
 */
export class ObservabilityBackend extends pulumi.ComponentResource {
    readonly network: docker.Network;
    readonly networkName: pulumi.Output<string>;
    /** Absent without a local Jaeger. */
    readonly jaegerUiUrl?: pulumi.Output<string>;
    /** OTLP endpoints reachable from the host. */
    readonly otlpGrpcEndpoint: pulumi.Output<string>;
    readonly otlpHttpEndpoint: pulumi.Output<string>;
    /** OTLP endpoints inside the Docker network (what the nodes use). */
    readonly collectorNetworkGrpcEndpoint: pulumi.Output<string>;
    readonly collectorNetworkHttpEndpoint: pulumi.Output<string>;
    /** Depend on this to start after the Collector accepts connections. */
    readonly collectorReady: command.local.Command;

    constructor(name: string, args: ObservabilityBackendArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubetracing:backend:ObservabilityBackend", name, {}, pulumi.mergeOptions(opts, { aliases: formerComponentAliases(args.formerName) }));
        /** Options of the child "<name>-<part>". */
        const child = (part: string) => ({ parent: this, aliases: formerChildAliases(args.formerName, part) });
        const spec = backendContainers(args);
        const hostForUrls = spec.hostForUrls;
        // Every input of a network forces a replacement (kreuzwerker/terraform-provider-docker v4.5.0,
        // which pulumi-docker 5.2.0 wraps: internal/provider/resource_docker_network.go, ForceNew on
        // each field), and its name is fixed per stack: the old network must go before the new one
        // can take the name.
        this.network = new docker.Network(`${name}-network`, { name: spec.network, driver: "bridge" }, { ...child("network"), deleteBeforeReplace: true });
        this.networkName = this.network.name;

        const container = (c: BackendContainer) => ({
            name: c.name,
            command: c.command,
            uploads: [c.upload],
            networksAdvanced: [{ name: this.network.name }],
            ports: c.ports,
            restart: "unless-stopped",
            mustRun: true,
        });

        const jaeger = spec.jaeger
            ? new docker.Container(
                  `${name}-jaeger`,
                  {
                      ...container(spec.jaeger),
                      image: new docker.RemoteImage(`${name}-jaeger-image`, { name: spec.jaeger.image, keepLocally: true }, child("jaeger-image")).imageId,
                  },
                  child("jaeger"),
              )
            : undefined;
        const collectorImage = new docker.RemoteImage(`${name}-collector-image`, { name: spec.collector.image, keepLocally: true }, child("collector-image"));
        // The team exporters' header values: a secret input, and a secret output in the state, so
        // neither the preview diff nor the state shows them (the Collector's config names only the variables).
        const env = spec.collector.env;
        const collector = new docker.Container(
            `${name}-collector`,
            {
                ...container(spec.collector),
                image: collectorImage.imageId,
                ...(env ? { envs: pulumi.secret(env.map((e) => `${e.name}=${e.value.reveal()}`)) } : {}),
            },
            // Not after Jaeger: its OTLP exporter queues and retries (otlpexporter v0.159.0 defaults: sending_queue on,
            // retry_on_failure for 5 minutes), so both containers start at once.
            { ...child("collector"), ...(env ? { additionalSecretOutputs: ["envs"] } : {}) },
        );

        const hostPort = (container: docker.Container, containerName: string, internal: number) =>
            container.ports.apply((ports) => {
                const external = ports?.find((p) => p.internal === internal)?.external;
                // In a preview Docker has not chosen the port yet; after create it must have.
                if (!external && !pulumi.runtime.isDryRun()) {
                    // Tied to this component, so the CLI names it and prints no stack trace.
                    throw new pulumi.ResourceError(
                        `container ${containerName}: Docker reports no host port for its port ${internal}; is the container running? (docker start ${containerName}, then pulumi up --refresh)`,
                        this,
                    );
                }
                return external;
            });
        const collectorPort = (internal: number) => hostPort(collector, args.names.collectorContainer, internal);

        if (jaeger) this.jaegerUiUrl = pulumi.interpolate`http://${hostForUrls}:${hostPort(jaeger, args.names.jaegerContainer, JAEGER_UI_PORT)}`;
        this.otlpGrpcEndpoint = pulumi.interpolate`${hostForUrls}:${collectorPort(OTLP_GRPC_PORT)}`;
        this.otlpHttpEndpoint = pulumi.interpolate`http://${hostForUrls}:${collectorPort(OTLP_HTTP_PORT)}`;
        this.collectorNetworkGrpcEndpoint = pulumi.output(otlpGrpcAddress(args.names.collectorContainer));
        this.collectorNetworkHttpEndpoint = pulumi.output(otlpHttpUrl(args.names.collectorContainer));

        this.collectorReady = new command.local.Command(
            `${name}-collector-ready`,
            {
                create: waitForHttpOkScript(COLLECTOR_READY_TIMEOUT_SECONDS),
                environment: { KUBETRACING_HEALTH_URL: pulumi.interpolate`http://${HEALTH_CHECK_HOST}:${collectorPort(COLLECTOR_HEALTH_PORT)}/` },
                // A new Collector container must be waited for again.
                triggers: [collector.id],
            },
            {
                ...child("collector-ready"),
                dependsOn: [collector],
                // The script ends itself at its deadline; this is the backstop.
                customTimeouts: { create: `${COLLECTOR_READY_TIMEOUT_SECONDS + 60}s`, update: `${COLLECTOR_READY_TIMEOUT_SECONDS + 60}s` },
            },
        );

        this.registerOutputs({
            networkName: this.networkName,
            jaegerUiUrl: this.jaegerUiUrl,
            otlpGrpcEndpoint: this.otlpGrpcEndpoint,
            otlpHttpEndpoint: this.otlpHttpEndpoint,
            collectorNetworkGrpcEndpoint: this.collectorNetworkGrpcEndpoint,
            collectorNetworkHttpEndpoint: this.collectorNetworkHttpEndpoint,
        });
    }
}

/** One attempt may take this long; a port that accepts and never answers is then tried again. */
const ATTEMPT_TIMEOUT_MS = 2000;

/**
 * Node is always there (Pulumi's TypeScript runtime needs it); curl may not be. The deadline is a
 * timer of its own, so it ends the wait whatever an attempt is doing; each attempt has its own
 * timeout too, so a silent port is asked again rather than waited on.
 */
export function waitForHttpOkScript(timeoutSeconds: number): string {
    const js = [
        "const url = process.env.KUBETRACING_HEALTH_URL;",
        `setTimeout(() => { console.error('kubetracing: the Collector did not answer ' + url + ' within ${timeoutSeconds}s'); process.exit(1); }, ${timeoutSeconds * 1000});`,
        "let waiting;",
        "const retry = () => { clearTimeout(waiting); waiting = setTimeout(tryOnce, 500); };",
        `const tryOnce = () => { const req = require('http').get(url, { timeout: ${ATTEMPT_TIMEOUT_MS}, agent: false }, (res) => { res.resume(); res.statusCode === 200 ? process.exit(0) : retry(); }); req.on('timeout', () => req.destroy(new Error('no answer'))); req.on('error', retry); };`,
        "tryOnce();",
    ].join(" ");
    return `node -e "${js.replace(/"/g, '\\"')}"`;
}
