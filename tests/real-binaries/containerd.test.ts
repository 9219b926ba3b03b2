// Real containerd 1.7 and 2.x started with the tracing settings the stack renders (env as k3s or
// the kind drop-in hands it over, TOML where rendered), only the Collector address changed to a
// local receiver; driven with CRI and ctr calls, spans checked at a real OTLP receiver.
import { describeWithBinaries, Receiver, sleep, startReceiver } from "./harness";
import { Containerd, criListImages, ctr, k3sContainerdEnv, kindDropInEnv, renderedToml, startContainerd } from "./drivers";

const SPAN_TIMEOUT_MS = 20000;
const NEGATIVE_WINDOW_MS = 8000;
const FULL_SAMPLING = { containerdSamplingRatePerMillion: 1000000 };

describeWithBinaries("real containerd receives the rendered tracing settings", (suites) => {
    const [c17, c2] = suites; // trixie: 1.7.x, sid: 2.x
    let receiver: Receiver;
    let containerd: Containerd | undefined;
    beforeEach(async () => (receiver = await startReceiver()));
    afterEach(async () => {
        await containerd?.stop();
        containerd = undefined;
        await receiver.close();
    });
    const url = () => `http://${receiver.http}`;

    it(`containerd ${c2?.containerd}: k3d 1.34 env (CONTAINERD_ prefix stripped) → CRI and ctr spans`, async () => {
        containerd = await startContainerd(c2, k3sContainerdEnv({ kubernetesVersion: "1.34", ...FULL_SAMPLING }, url()));
        await criListImages(containerd.socket);
        ctr(c2, containerd.socket, "namespaces", "ls");
        await receiver.waitFor("containerd", ["runtime.v1.ImageService/ListImages", "containerd.services.namespaces.v1.Namespaces/List"], SPAN_TIMEOUT_MS);
    });

    it(`containerd ${c2?.containerd}: kind 1.34 systemd drop-in env → CRI spans`, async () => {
        containerd = await startContainerd(c2, kindDropInEnv({ kubernetesVersion: "1.34", ...FULL_SAMPLING }, url()));
        await criListImages(containerd.socket);
        await receiver.waitFor("containerd", ["runtime.v1.ImageService/ListImages"], SPAN_TIMEOUT_MS);
    });

    it(`containerd ${c17?.containerd}: k3d 1.30 env (containerd 1.7 honours OTEL_*) → CRI spans`, async () => {
        containerd = await startContainerd(c17, k3sContainerdEnv({ kubernetesVersion: "1.30", ...FULL_SAMPLING }, url()));
        await criListImages(containerd.socket);
        await receiver.waitFor("containerd", ["pkg.cri.server.ListImages"], SPAN_TIMEOUT_MS);
    });

    it.each([
        ["k3d 1.29.0 template (containerd 1.7.11 in k3s)", { engine: "k3d", kubernetesVersion: "1.29.0" }],
        ["kind 1.29.2 containerdConfigPatches (containerd 1.7.13 in the node image)", { engine: "kind", kubernetesVersion: "1.29.2" }],
    ])(`containerd ${c17?.containerd}: %s, TOML alone → CRI spans`, async (_title, raw) => {
        containerd = await startContainerd(c17, {}, renderedToml({ ...raw, ...FULL_SAMPLING }, url()));
        await criListImages(containerd.socket);
        await receiver.waitFor("containerd", ["pkg.cri.server.ListImages"], SPAN_TIMEOUT_MS);
    });

    // Negative controls: each must deliver nothing.
    it(`negative control, containerd ${c17?.containerd}: TOML with a bare host:port endpoint delivers no span`, async () => {
        const bare = renderedToml({ engine: "k3d", kubernetesVersion: "1.29.0", ...FULL_SAMPLING }, url()).replace(`"${url()}"`, `"${receiver.http}"`);
        expect(bare).toContain(`endpoint = "${receiver.http}"`);
        containerd = await startContainerd(c17, {}, bare);
        await criListImages(containerd.socket);
        await sleep(NEGATIVE_WINDOW_MS);
        expect(receiver.spans).toEqual([]);
    });

    it(`negative control, containerd ${c2?.containerd}: the TOML form alone delivers no span`, async () => {
        containerd = await startContainerd(c2, {}, renderedToml({ engine: "k3d", kubernetesVersion: "1.29.0", ...FULL_SAMPLING }, url()));
        await criListImages(containerd.socket);
        ctr(c2, containerd.socket, "namespaces", "ls");
        await sleep(NEGATIVE_WINDOW_MS);
        expect(receiver.spans).toEqual([]);
    });

    it(`negative control, containerd ${c2?.containerd}: sampling rate 0 delivers no span`, async () => {
        containerd = await startContainerd(c2, k3sContainerdEnv({ kubernetesVersion: "1.34", containerdSamplingRatePerMillion: 0 }, url()));
        await criListImages(containerd.socket);
        ctr(c2, containerd.socket, "namespaces", "ls");
        await sleep(NEGATIVE_WINDOW_MS);
        expect(receiver.spans).toEqual([]);
    });
});
