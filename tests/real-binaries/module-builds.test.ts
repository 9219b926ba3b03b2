// The etcd and containerd our default stacks actually run, built from their Go modules at the
// versions the pinned images carry (tools/etcd-*, tools/containerd-*): etcd 3.6 (kubeadm 1.34) and
// 3.7 (kubeadm 1.37), containerd 2.2, 2.3 (kind v0.33.0's images) and 2.4 (the next images'). Each gets
// the settings the stack renders, only the Collector address pointed at a real OTLP receiver.
import { describeWithBinaries, obtainModuleBuilds, Receiver, sleep, startReceiver, Suite } from "./harness";
import {
    Arg,
    Containerd,
    criListImages,
    ctr,
    k3dEtcdArgs,
    kindDropInEnv,
    kindEtcdArgs,
    pointAt,
    putAndGet,
    renderedToml,
    startContainerd,
    startEtcd,
    waitForEtcd,
} from "./drivers";
import { tracingFacts, findRelease } from "../../versions/versions";

const SPAN_TIMEOUT_MS = 20000;
const NEGATIVE_WINDOW_MS = 8000;
const FULL = { etcdSamplingRatePerMillion: 1000000, containerdSamplingRatePerMillion: 1000000 };

describeWithBinaries(
    "etcd and containerd built from their modules receive the rendered tracing settings",
    (suites) => {
        const byName = (name: string): Suite => {
            const suite = suites.find((s) => s.name === name);
            if (!suite) throw new Error(`no ${name} among ${suites.map((s) => s.name).join(", ")}`);
            return suite;
        };
        let receiver: Receiver;
        let containerd: Containerd | undefined;
        beforeEach(async () => (receiver = await startReceiver()));
        afterEach(async () => {
            await containerd?.stop();
            containerd = undefined;
            await receiver.close();
        });

        it("builds the etcd kubeadm runs for the default and newest kind minors, and the containerd of kind v0.33.0 and after", () => {
            // What kubeadm asks for (k8s.io/kubernetes cmd/kubeadm/app/constants/constants.go): 3.6.5-0 on 1.34, 3.7.0-0 on 1.37.
            expect(byName("etcd-3.6").etcd).toBe("3.6.5");
            expect(byName("etcd-3.7").etcd).toBe("3.7.0");
            expect([byName("containerd-2.2").containerd, byName("containerd-2.3").containerd, byName("containerd-2.4").containerd]).toEqual([
                "2.2.1",
                "2.3.4",
                "2.4.2",
            ]);
            // And the version table renders for them what they take: 3.6+ flag names, env-only containerd.
            expect(tracingFacts(findRelease("kind", "1.34")!).etcd.flags.enable).toBe("enable-distributed-tracing");
        });

        const etcdCases: [string, string, "k3s-config-file" | "command-line", () => Arg[]][] = [
            ["etcd-3.6", "kind 1.34 (kubeadm extraArgs, etcd 3.6 flags)", "command-line", () => kindEtcdArgs({ kubernetesVersion: "1.34", ...FULL })],
            ["etcd-3.6", "k3d 1.34 (k3s config file, etcd 3.6 keys)", "k3s-config-file", () => k3dEtcdArgs({ kubernetesVersion: "1.34", ...FULL })],
            ["etcd-3.7", "kind 1.37 (kubeadm v1beta4 extraArgs)", "command-line", () => kindEtcdArgs({ kubernetesVersion: "1.37", ...FULL })],
            ["etcd-3.7", "k3d 1.37 (k3s config file)", "k3s-config-file", () => k3dEtcdArgs({ kubernetesVersion: "1.37", ...FULL })],
        ];
        it.each(etcdCases)(`%s: %s → KV/Put and KV/Range spans as service "etcd"`, async (name, _title, mode, argsOf) => {
            const suite = byName(name);
            const run = await startEtcd(suite.bin("etcd"), mode, pointAt(argsOf(), receiver.grpc));
            try {
                await waitForEtcd(run, suite.bin("etcdctl"));
                putAndGet(run, suite.bin("etcdctl"));
                await receiver.waitFor("etcd", ["etcdserverpb.KV/Put", "etcdserverpb.KV/Range"], SPAN_TIMEOUT_MS);
            } finally {
                await run.etcd.stop();
            }
        });

        // etcd 3.7 removed the experimental- flags (server/embed/config.go at v3.7.0 registers only the new names).
        it("negative control: etcd 3.5's experimental- flag names (kind 1.33's rendering) stop etcd 3.7 from starting", async () => {
            const suite = byName("etcd-3.7");
            const run = await startEtcd(suite.bin("etcd"), "command-line", pointAt(kindEtcdArgs({ kubernetesVersion: "1.33", ...FULL }), receiver.grpc));
            const code = await Promise.race([run.etcd.exited, sleep(10000).then(() => "still running")]);
            await run.etcd.stop();
            expect(code).not.toBe("still running");
            expect(code).not.toBe(0);
            expect(run.etcd.stderr()).toMatch(/flag provided but not defined: -experimental-enable-distributed-tracing/);
        });

        it.each(["containerd-2.2", "containerd-2.3", "containerd-2.4"])("%s: kind 1.34's systemd drop-in env → CRI and ctr spans", async (name) => {
            const suite = byName(name);
            containerd = await startContainerd(suite, kindDropInEnv({ kubernetesVersion: "1.34", ...FULL }, `http://${receiver.http}`));
            await criListImages(containerd.socket);
            ctr(suite, containerd.socket, "namespaces", "ls");
            await receiver.waitFor("containerd", ["runtime.v1.ImageService/ListImages", "containerd.services.namespaces.v1.Namespaces/List"], SPAN_TIMEOUT_MS);
        });

        // containerd 2.4 removed the OTLP plugin's TOML settings (containerd/containerd#14166): it must start with them and send nothing.
        it("negative control: containerd 2.4 given only the TOML form starts, and delivers no span", async () => {
            const suite = byName("containerd-2.4");
            containerd = await startContainerd(suite, {}, renderedToml({ engine: "kind", kubernetesVersion: "1.29.2", ...FULL }, `http://${receiver.http}`));
            await criListImages(containerd.socket);
            ctr(suite, containerd.socket, "namespaces", "ls");
            await sleep(NEGATIVE_WINDOW_MS);
            expect(receiver.spans).toEqual([]);
        });
    },
    obtainModuleBuilds,
);
