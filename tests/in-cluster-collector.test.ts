import { parse as parseYaml, parseAllDocuments } from "yaml";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { createHash } from "crypto";
import { supportedMinors } from "../versions/versions";
import { CONFIG_CHECKSUM_ANNOTATION } from "../config-files/in-cluster-collector";
import { file, hasRole, renderOf, yamlOf } from "./helpers";

const agentOn = { inClusterCollector: true };

describe("in-cluster collector (node agent)", () => {
    // Rendered before each test, not when the file loads: mutation testing counts what a test runs as that test's.
    let rendered: ReturnType<typeof renderOf>;
    let objects: NonNullable<ReturnType<typeof renderOf>["inClusterCollector"]>["objects"];
    let ds: any, pod: any, container: any;
    beforeEach(() => {
        rendered = renderOf(agentOn);
        objects = rendered.inClusterCollector!.objects;
        ds = objects.daemonSet;
        pod = ds.spec.template.spec;
        container = pod.containers[0];
    });

    it.each([
        ["Namespace", Namespace, "namespace"],
        ["ServiceAccount", ServiceAccount, "serviceAccount"],
        ["ClusterRole", ClusterRole, "clusterRole"],
        ["ClusterRoleBinding", ClusterRoleBinding, "clusterRoleBinding"],
        ["ConfigMap", ConfigMap, "configMap"],
        ["DaemonSet", DaemonSet, "daemonSet"],
    ] as const)("%s validates against the Kubernetes OpenAPI schema", (_kind, Model, key) => {
        const object = objects[key];
        expect(() => new (Model as any)(object).validate()).not.toThrow();
        expect((object as any).kind).toBe(_kind);
    });

    it("a changed agent config changes the pod template (so the DaemonSet rolls), the same config leaves it as it is", () => {
        const template = (stack: string) => (renderOf(agentOn, stack).inClusterCollector!.objects.daemonSet as any).spec.template;
        const config = (stack: string) => (renderOf(agentOn, stack).inClusterCollector!.objects.configMap as any).data["config.yaml"];
        // Another stack name: another backend Collector address in the agent's config.
        expect(config("other")).not.toBe(config("test"));
        expect(template("other")).not.toEqual(template("test"));
        // Only the checksum differs: the rest of the pod template is the same for both stacks.
        const { annotations: _other, ...otherMeta } = template("other").metadata;
        const { annotations: _test, ...testMeta } = template("test").metadata;
        expect({ ...template("other"), metadata: otherMeta }).toEqual({ ...template("test"), metadata: testMeta });
        expect(template("test").metadata.annotations[CONFIG_CHECKSUM_ANNOTATION]).toBe(createHash("sha256").update(config("test")).digest("hex"));
    });

    it("the schema check can fail (a DaemonSet without a selector is rejected)", () => {
        const broken = JSON.parse(JSON.stringify(objects.daemonSet));
        delete broken.spec.selector;
        expect(() => new DaemonSet(broken).validate()).toThrow(/selector/);
    });

    it("listens for OTLP gRPC and HTTP on every node, control plane included", () => {
        expect(pod.hostNetwork).toBe(true);
        // The backend Collector is a Docker container name: only the node's resolver (Docker's DNS) knows it.
        // With hostNetwork, ClusterFirst and ClusterFirstWithHostNet would ask CoreDNS, which does not.
        expect(pod.dnsPolicy).toBe("Default");
        expect(pod.tolerations).toEqual([{ operator: "Exists" }]);
        expect(container.ports).toEqual([
            { name: "otlp-grpc", containerPort: 4317, hostPort: 4317, protocol: "TCP" },
            { name: "otlp-http", containerPort: 4318, hostPort: 4318, protocol: "TCP" },
        ]);
        expect(ds.spec.selector.matchLabels).toEqual(ds.spec.template.metadata.labels);
    });

    it("has requests, limits, probes on the health port and a memory limiter below the container limit", () => {
        expect(container.resources).toEqual({ requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } });
        // health_check answers on 13133; OTLP on 4318 answers 405 to a GET, so a probe there would restart the agent forever.
        expect(container.readinessProbe).toEqual({ httpGet: { path: "/", port: 13133 }, periodSeconds: 5 });
        expect(container.livenessProbe).toEqual({ httpGet: { path: "/", port: 13133 }, periodSeconds: 5, initialDelaySeconds: 10 });
        const config = parseYaml(file(rendered, "in-cluster-collector-config"));
        expect(config.processors.memory_limiter.limit_mib).toBeLessThan(256);
    });

    it("adds Kubernetes metadata with the RBAC that needs, and forwards to the backend in the Docker network", () => {
        // Read from the ConfigMap the agent mounts (the render writes the same text as its own file).
        const config = parseYaml((objects.configMap as any).data["config.yaml"]);
        expect(config.service.pipelines.traces).toEqual({
            receivers: ["otlp"],
            processors: ["memory_limiter", "k8s_attributes", "resource", "batch"],
            exporters: ["otlp_grpc/backend"],
        });
        expect(config.exporters["otlp_grpc/backend"]).toEqual({ endpoint: "kubetracing-test-collector:4317", tls: { insecure: true } });
        expect(config.processors.k8s_attributes.filter).toEqual({ node_from_env_var: "K8S_NODE_NAME" });
        expect(container.env).toContainEqual({ name: "K8S_NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } });
        const rules = (objects.clusterRole as any).rules;
        expect(rules).toContainEqual({ apiGroups: [""], resources: ["pods", "namespaces", "nodes"], verbs: ["get", "list", "watch"] });
        // As upstream's example ClusterRole (opentelemetry-collector-contrib v0.159.0 processor/k8sattributesprocessor/README.md).
        expect(rules).toContainEqual({
            apiGroups: ["apps"],
            resources: ["replicasets", "deployments", "statefulsets", "daemonsets"],
            verbs: ["get", "list", "watch"],
        });
        expect((objects.clusterRoleBinding as any).subjects).toEqual([{ kind: "ServiceAccount", name: "kubetracing-node-agent", namespace: "kubetracing" }]);
        expect(pod.serviceAccountName).toBe("kubetracing-node-agent");
        // The Collector expands ${env:NAME}; a bare ${NAME} would be written into every span as is.
        expect(config.processors.resource.attributes).toEqual([{ key: "k8s.node.name", value: "${env:K8S_NODE_NAME}", action: "insert" }]);
        expect(pod.volumes).toEqual([{ name: "config", configMap: { name: "kubetracing-node-agent" } }]);
        expect(container.args).toEqual(["--config=/conf/config.yaml"]);
        expect(container.volumeMounts).toEqual([{ name: "config", mountPath: "/conf", readOnly: true }]);
    });

    it("is listed by npm run render as one manifest", () => {
        const docs = parseAllDocuments(file(rendered, "in-cluster-collector-manifest")).map((d) => d.toJS());
        expect(docs.map((d) => d.kind)).toEqual(["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "DaemonSet"]);
        expect(hasRole(renderOf(), "in-cluster-collector-manifest")).toBe(false);
    });
});

describe("where the control plane sends spans", () => {
    const endpointsOf = (raw: Record<string, unknown>) => {
        const r = renderOf(raw);
        return {
            apiserver: parseYaml(file(r, "apiserver-tracing-config")).endpoint,
            kubelet: parseYaml(file(r, "kubelet-config")).tracing.endpoint,
            etcd: file(r, "etcd-args")
                .split("\n")
                .find((l) => l.includes("distributed-tracing-address="))!
                .split("=")[1],
            containerd: /^OTEL_EXPORTER_OTLP_ENDPOINT=(.*)$/m.exec(file(r, "containerd-env"))![1],
        };
    };

    it.each(["k3d", "kind"].flatMap((engine) => supportedMinors(engine as "k3d").map((v) => [engine, v])))(
        "%s %s: backend by container name, node-agent on the node's loopback",
        (engine, version) => {
            expect(endpointsOf({ engine, kubernetesVersion: version })).toEqual({
                apiserver: "kubetracing-test-collector:4317",
                kubelet: "kubetracing-test-collector:4317",
                etcd: "kubetracing-test-collector:4317",
                containerd: "http://kubetracing-test-collector:4318",
            });
            expect(endpointsOf({ engine, kubernetesVersion: version, ...agentOn, controlPlaneTraceTarget: "node-agent" })).toEqual({
                apiserver: "127.0.0.1:4317",
                kubelet: "127.0.0.1:4317",
                etcd: "127.0.0.1:4317",
                containerd: "http://127.0.0.1:4318",
            });
        },
    );

    it("says what node-agent routing loses", () => {
        expect(renderOf({ ...agentOn, controlPlaneTraceTarget: "node-agent" }).notes.join()).toMatch(/sent before its DaemonSet is running are lost/);
    });

    it("the summary shows the choice", () => {
        expect(yamlOf(renderOf({ ...agentOn, controlPlaneTraceTarget: "node-agent" }), "summary")).toMatchObject({
            controlPlaneTraceTarget: "node-agent",
        });
    });

    // The summary is the cluster Command's trigger: what the nodes never read must not replace the cluster.
    it("turning the agent on or changing a backend image changes neither the summary nor the create script", () => {
        const cluster = (raw: Record<string, unknown>) => {
            const r = renderOf(raw);
            return [file(r, "summary"), r.engineScripts.create];
        };
        const base = cluster({ engine: "kind" });
        expect(cluster({ engine: "kind", ...agentOn })).toEqual(base);
        expect(cluster({ engine: "kind", ...agentOn, agentImage: "mirror.example.com/otelcol-contrib:0.159.0" })).toEqual(base);
        expect(cluster({ engine: "kind", jaegerImage: "mirror.example.com/jaeger:2.19.0" })).toEqual(base);
        expect(cluster({ engine: "kind", collectorImage: "mirror.example.com/otelcol:0.159.0" })).toEqual(base);
        // What the nodes do read still changes it.
        expect(cluster({ engine: "kind", ...agentOn, controlPlaneTraceTarget: "node-agent" })).not.toEqual(base);
        expect(cluster({ engine: "kind", samplingRatePerMillion: 5 })[0]).not.toEqual(base[0]);
    });
});
