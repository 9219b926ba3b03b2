// What the stack publishes on the host, and what it leaves alone there. Jaeger and the Collector
// have no authentication and the Kubernetes API hands out an admin kubeconfig: with the default
// hostBindAddress nothing may listen beyond loopback.
import { backendContainers } from "../config-files/backend-containers";
import { stackNames } from "../stack/names";
import { settingsOf, renderOf, yamlOf } from "./helpers";

const ports = { jaegerUi: 0, otlpGrpc: 0, otlpHttp: 0 };
const containersOn = (hostBindAddress: string) =>
    backendContainers({
        names: stackNames("kubetracing", "test"),
        jaegerImage: "jaeger:1.0.0",
        collectorImage: "collector:1.0.0",
        jaegerConfig: "jaeger",
        collectorConfig: "collector",
        hostBindAddress,
        hostPorts: ports,
    });
const publishedIps = (c: ReturnType<typeof containersOn>) => [...c.jaeger!.ports, ...c.collector.ports].map((p) => `${p.internal}@${p.ip}`);

describe("with the default hostBindAddress", () => {
    it("is 127.0.0.1", () => {
        expect(settingsOf().hostBindAddress).toBe("127.0.0.1");
    });

    it("k3d publishes the Kubernetes API on 127.0.0.1 and leaves ~/.kube/config and its current context alone", () => {
        const cfg = yamlOf(renderOf({ engine: "k3d" }), "cluster-config");
        expect(cfg.kubeAPI).toEqual({ hostIP: "127.0.0.1" });
        expect(cfg.options.kubeconfig).toEqual({ updateDefaultKubeconfig: false, switchCurrentContext: false });
    });

    it("kind publishes the Kubernetes API on 127.0.0.1", () => {
        expect(yamlOf(renderOf({ engine: "kind" }), "cluster-config").networking).toEqual({ apiServerAddress: "127.0.0.1" });
    });

    it("the backend containers publish every port on 127.0.0.1 and the URLs name it", () => {
        const c = containersOn("127.0.0.1");
        expect(publishedIps(c)).toEqual(["16686@127.0.0.1", "4317@127.0.0.1", "4318@127.0.0.1", "13133@127.0.0.1"]);
        expect(c.hostForUrls).toBe("127.0.0.1");
    });
});

describe("with another hostBindAddress", () => {
    it("the API, Jaeger and OTLP go where it says; the Collector's health port stays on loopback", () => {
        expect(yamlOf(renderOf({ engine: "k3d", hostBindAddress: "192.168.1.10" }), "cluster-config").kubeAPI).toEqual({ hostIP: "192.168.1.10" });
        expect(yamlOf(renderOf({ engine: "kind", hostBindAddress: "192.168.1.10" }), "cluster-config").networking).toEqual({
            apiServerAddress: "192.168.1.10",
        });
        const c = containersOn("192.168.1.10");
        expect(publishedIps(c)).toEqual(["16686@192.168.1.10", "4317@192.168.1.10", "4318@192.168.1.10", "13133@127.0.0.1"]);
        expect(c.hostForUrls).toBe("192.168.1.10");
    });

    it("a wildcard bind is reached on loopback in the URLs", () => {
        expect(containersOn("0.0.0.0").hostForUrls).toBe("127.0.0.1");
    });
});
