// Runs index.ts under pulumi.runtime.setMocks and records what the engine would be asked to do:
// every registration with its parent, dependencies and options, as the SDK sends them.
//
// One SDK per test file (jest gives each file its own module registry), and the program module
// evaluated afresh on every run: its top-level code is what declares the resources, while the
// modules it imports are stateless. Loading @pulumi/pulumi anew for each run took about half a
// second; this takes milliseconds, which is what lets the bad-input corpus run the program once
// per case.
import * as fs from "fs";
import * as path from "path";
import { transformSync } from "@swc/core";
import * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeSettings = require("@pulumi/pulumi/runtime/settings");

export interface Registration {
    /** The URN the (mocked) engine answered with: parent type chain, type and name ("" until it answered). */
    urn: string;
    type: string;
    name: string;
    parent: string;
    dependencies: string[];
    inputs: Record<string, any>;
    deleteBeforeReplace: boolean;
    additionalSecretOutputs: string[];
    ignoreChanges: string[];
    /** As sent: the resource's own and those its SDK class adds (@pulumi/command adds "triggers[*]"). */
    replaceOnChanges: string[];
    /** Aliases as sent (Alias messages as plain objects). */
    aliases: unknown[];
    replacementTrigger: unknown;
    provider: string;
    /** customTimeouts as sent ("" where unset). */
    customTimeouts: { create: string; update: string; delete: string };
    /** The URN of the resource whose delete takes this one with it ("" where unset). */
    deletedWith: string;
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
    /** What the engine's kubeconfig command prints (default FAKE_KUBECONFIG). */
    kubeconfigText?: string;
    /** Config keys set as secrets (`pulumi config set --secret`), with or without the namespace. */
    secretKeys?: string[];
    /** Resources (by name) the engine does not create in this update, as in a `--target`ed up: their outputs are unknown. */
    skipped?: string[];
}

const compiled = new Map<string, string>();

/** Runs a TypeScript module's top-level code afresh, its imports resolved from this file's registry. */
function evaluateProgram(file: string): Record<string, any> | (() => Promise<Record<string, any>>) {
    let code = compiled.get(file);
    if (code === undefined) {
        code = transformSync(fs.readFileSync(file, "utf8"), {
            filename: file,
            jsc: { target: "es2022", parser: { syntax: "typescript" } },
            module: { type: "commonjs" },
        }).code;
        compiled.set(file, code);
    }
    const module = { exports: {} as Record<string, any> | (() => Promise<Record<string, any>>) };
    const localRequire = (spec: string) => require(spec.startsWith(".") ? path.resolve(path.dirname(file), spec) : spec);
    new Function("exports", "require", "module", "__filename", "__dirname", code)(module.exports, localRequire, module, file, path.dirname(file));
    return module.exports;
}

function programFile(program = "../index"): string {
    const base = path.resolve(__dirname, program);
    return fs.existsSync(`${base}.ts`) ? `${base}.ts` : base;
}

/** Runs are serialised: the SDK's mock monitor and config are process-wide. */
let previousRun: Promise<unknown> = Promise.resolve();

export function runProgram(config: Record<string, string>, opts: RunOptions): Promise<ProgramRun> {
    const run = previousRun.catch(() => undefined).then(() => runOnce(config, opts));
    previousRun = run;
    return run;
}

async function runOnce(config: Record<string, string>, opts: RunOptions): Promise<ProgramRun> {
    const registrations: Registration[] = [];
    const project = opts.project ?? "kubetracing";
    const fullKey = (k: string) => (k.includes(":") ? k : `${project}:${k}`);
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [fullKey(k), v])), (opts.secretKeys ?? []).map(fullKey));
    // setMocks is declared async but does its work synchronously.
    void pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                if (args.type === "pulumi:pulumi:StackReference") {
                    return { id: args.id ?? args.name, state: { name: args.id ?? args.name, ...opts.stackReference } };
                }
                const state: Record<string, any> = { ...args.inputs };
                if (args.type === "docker:index/container:Container") {
                    state.ports = (args.inputs.ports ?? []).map((p: any, i: number) => ({ ...p, external: p.external ?? 32768 + i }));
                }
                if (args.type === "command:local:Command" && args.name.endsWith("-kubeconfig")) state.stdout = opts.kubeconfigText ?? FAKE_KUBECONFIG;
                // The engine answers a skipped resource with no id and unknown outputs (the SDK reads the sentinel as unknown).
                if (opts.skipped?.includes(args.name)) return { id: undefined as unknown as string, state: { stdout: rpc.unknownValue } };
                return opts.preview ? { id: undefined as unknown as string, state: args.inputs } : { id: `${args.name}-id`, state };
            },
            call: (args) => args.inputs,
        },
        project,
        opts.stack ?? "dev",
        opts.preview,
    );
    const monitor = runtimeSettings.getMonitor();
    const record = (req: any, inputs: Record<string, any>, extra: Partial<Registration> = {}) =>
        registrations.push({
            urn: "",
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent(),
            dependencies: req.getDependenciesList(),
            inputs,
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            provider: req.getProvider(),
            deleteBeforeReplace: false,
            ignoreChanges: [],
            replaceOnChanges: [],
            aliases: [],
            replacementTrigger: undefined,
            customTimeouts: { create: "", update: "", delete: "" },
            deletedWith: "",
            ...extra,
        });
    const originalRegister = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        const timeouts = req.getCustomtimeouts();
        record(req, rpc.deserializeProperties(req.getObject()), {
            deleteBeforeReplace: req.getDeletebeforereplace(),
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            aliases: req.getAliasesList().map((a: any) => a.toObject()),
            replacementTrigger: req.getReplacementTrigger()?.toJavaScript(),
            customTimeouts: { create: timeouts?.getCreate() ?? "", update: timeouts?.getUpdate() ?? "", delete: timeouts?.getDelete() ?? "" },
            deletedWith: req.getDeletedwith(),
        });
        const registration = registrations[registrations.length - 1];
        return originalRegister(req, (err: unknown, resp: any) => {
            if (resp) registration.urn = resp.getUrn();
            // As the engine marks a resource it skipped (RegisterResourceResponse.unknown): the SDK then keeps its unknowns.
            if (resp && opts.skipped?.includes(req.getName())) resp.setUnknown(true);
            callback(err, resp);
        });
    };
    // Read resources (a StackReference) go through readResource.
    const originalRead = monitor.readResource.bind(monitor);
    monitor.readResource = (req: any, callback: any) => {
        record(req, { ...rpc.deserializeProperties(req.getProperties()), id: req.getId() });
        return originalRead(req, callback);
    };
    let outputs: Record<string, any>;
    try {
        const exported = evaluateProgram(programFile(opts.program));
        // As the SDK does (cmd/run/run.js): a module that exports a function has its result, awaited, as the outputs.
        outputs = typeof exported === "function" ? await exported() : exported;
    } catch (err) {
        await runtimeSettings.waitForRPCs().catch(() => undefined);
        throw Object.assign(err as Error, { registrations });
    }
    await runtimeSettings.waitForRPCs();
    return { registrations, outputs, pulumi };
}

/** Runs a program that must refuse its config: the error, and what was registered before it (nothing, if the program is right). */
export async function runRefused(config: Record<string, string>, opts: RunOptions): Promise<{ error: Error; registrations: Registration[] }> {
    try {
        await runProgram(config, opts);
    } catch (err) {
        return { error: err as Error, registrations: (err as { registrations?: Registration[] }).registrations ?? [] };
    }
    throw new Error(`the program accepted ${JSON.stringify(config)}`);
}
