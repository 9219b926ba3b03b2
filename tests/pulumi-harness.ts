// Runs index.ts under pulumi.runtime.setMocks and records what the engine would be asked to do:
// every registration with its parent, dependencies and options, as the SDK sends them.
export interface Registration {
    type: string;
    name: string;
    parent: string;
    dependencies: string[];
    inputs: Record<string, any>;
    deleteBeforeReplace: boolean;
    additionalSecretOutputs: string[];
    ignoreChanges: string[];
    replacementTrigger: unknown;
    provider: string;
}

export interface ProgramRun {
    registrations: Registration[];
    outputs: Record<string, any>;
    pulumi: typeof import("@pulumi/pulumi");
}

/** What `k3d kubeconfig get` prints, in shape. */
export const FAKE_KUBECONFIG = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0EtREFUQQ==
    server: https://127.0.0.1:41234
  name: k3d-fake
contexts:
- context:
    cluster: k3d-fake
    user: admin@k3d-fake
  name: k3d-fake
current-context: k3d-fake
kind: Config
preferences: {}
users:
- name: admin@k3d-fake
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
`;

/** The value of an Output (a plain value passes through). */
export function valueOf<T = any>(o: any): Promise<T> {
    return o && typeof o.apply === "function" ? new Promise((resolve) => o.apply(resolve)) : Promise.resolve(o);
}

export interface RunOptions {
    preview: boolean;
    stack?: string;
    /** Pulumi project name (default: kubetracing). */
    project?: string;
    /** Module to load, relative to tests/ (default: the stack's index.ts). */
    program?: string;
    /** Outputs a StackReference of this run returns, with the names to mark secret. */
    stackReference?: { outputs: Record<string, unknown>; secretOutputNames: string[] };
}

export async function runProgram(config: Record<string, string>, opts: RunOptions): Promise<ProgramRun> {
    const registrations: Registration[] = [];
    let run!: ProgramRun;
    let settings: any;
    // Everything is required synchronously inside isolateModules: a require after an await would
    // resolve from the shared registry and get the previous run's cached program.
    jest.isolateModules(() => {
        const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
        const rpc = require("@pulumi/pulumi/runtime/rpc");
        settings = require("@pulumi/pulumi/runtime/settings");
        const project = opts.project ?? "kubetracing";
        pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v])));
        // setMocks is declared async but does its work synchronously.
        void pulumi.runtime.setMocks({
            newResource: (args) => {
                if (args.type === "pulumi:pulumi:StackReference") {
                    return { id: args.id ?? args.name, state: { name: args.id ?? args.name, ...opts.stackReference } };
                }
                const state: Record<string, any> = { ...args.inputs };
                if (args.type === "docker:index/container:Container") {
                    state.ports = (args.inputs.ports ?? []).map((p: any, i: number) => ({ ...p, external: p.external ?? 32768 + i }));
                }
                if (args.type === "command:local:Command" && args.name.endsWith("-kubeconfig")) state.stdout = FAKE_KUBECONFIG;
                return opts.preview ? { id: undefined as unknown as string, state: args.inputs } : { id: `${args.name}-id`, state };
            },
            call: (args) => args.inputs,
        }, opts.project ?? "kubetracing", opts.stack ?? "dev", opts.preview);
        const monitor = settings.getMonitor();
        const record = (req: any, inputs: Record<string, any>, extra: Partial<Registration> = {}) =>
            registrations.push({
                type: req.getType(),
                name: req.getName(),
                parent: req.getParent(),
                dependencies: req.getDependenciesList(),
                inputs,
                additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                provider: req.getProvider(),
                deleteBeforeReplace: false,
                ignoreChanges: [],
                replacementTrigger: undefined,
                ...extra,
            });
        const originalRegister = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: any) => {
            record(req, rpc.deserializeProperties(req.getObject()), {
                deleteBeforeReplace: req.getDeletebeforereplace(),
                ignoreChanges: req.getIgnorechangesList(),
                replacementTrigger: req.getReplacementTrigger()?.toJavaScript(),
            });
            return originalRegister(req, callback);
        };
        // Read resources (a StackReference) go through readResource.
        const originalRead = monitor.readResource.bind(monitor);
        monitor.readResource = (req: any, callback: any) => {
            record(req, { ...rpc.deserializeProperties(req.getProperties()), id: req.getId() });
            return originalRead(req, callback);
        };
        run = { registrations, outputs: require(opts.program ?? "../index"), pulumi };
    });
    await settings.waitForRPCs();
    return run;
}
