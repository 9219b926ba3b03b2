// Loads a Pulumi project the way `pulumi up` does, as far as that can be done without the engine,
// and prints every resource it registers (one JSON line each) on stdout:
//
//   KUBETRACING_FAKE_KUBECONFIG=<text> node tests/language-host-in-child.js PROJECT_DIR
//
// 1. The CLI turns Pulumi.yaml's `main` into the program directory and entry point:
//    pulumi/pulumi pkg/engine/project.go getPwdMain (v3.259.0): no `main` → pwd = project root,
//    entry point "."; `main: FILE` → pwd = its directory, entry point its base name.
// 2. The Node language host starts `@pulumi/pulumi/cmd/run`, located from the program directory,
//    with `--pwd <program directory> <entry point>`: sdk/nodejs/cmd/pulumi-language-nodejs/main.go
//    locateModule and constructArguments (v3.259.0).
// 3. That module's run() resolves the entry point: "." means "ask the nearest package.json,
//    walking up from the program directory" (sdk/nodejs/cmd/run/run.ts, hasEntrypoint and
//    npmPackageRootFromProgramPath, v3.259.0). Step 3 is not copied here: it is the installed
//    SDK's own run(), the code the language host would run, with the resource monitor mocked.
//
// Plain JavaScript: run() registers ts-node itself (PULUMI_NODEJS_TYPESCRIPT, as the language host
// sets it from Pulumi.yaml's runtime option `typescript: true`).
"use strict";
const fs = require("fs");
const path = require("path");
const { parse } = require("yaml");

const projectDir = path.resolve(process.argv[2]);
const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8"));

// Step 1, as getPwdMain does it.
let pwd = projectDir;
let main = ".";
if (project.main) {
    const target = path.resolve(projectDir, project.main);
    if (fs.statSync(target).isDirectory()) pwd = target;
    else [pwd, main] = [path.dirname(target), path.basename(target)];
}

// Step 2: the module the language host would locate from the program directory.
const requireFromProgram = (mod) => require(require.resolve(mod, { paths: [pwd] }));
const pulumi = requireFromProgram("@pulumi/pulumi");

process.env.PULUMI_NODEJS_TYPESCRIPT = String(project.runtime?.options?.typescript === true);
process.env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
// The CLI hands the program the defaults Pulumi.yaml declares (objects and lists as JSON).
pulumi.runtime.setAllConfig(
    Object.fromEntries(
        Object.entries(project.config ?? {})
            .filter(([, d]) => d && typeof d === "object" && "default" in d)
            .map(([key, d]) => [key, typeof d.default === "string" ? d.default : JSON.stringify(d.default)]),
    ),
);
// The mocked monitor is in place before the entry module asks for one, so `--monitor` is never dialled.
void pulumi.runtime.setMocks(
    {
        newResource: (args) => {
            console.log(JSON.stringify({ type: args.type, name: args.name }));
            // A StackReference answers the outputs a consumer asks for; everything else echoes its inputs.
            // A Container gets host ports. Nothing reads a value beyond that: the question is which program ran.
            const state =
                args.type === "pulumi:pulumi:StackReference"
                    ? {
                          name: args.name,
                          outputs: {
                              kubeconfig: "apiVersion: v1\n",
                              inClusterOtlpEndpoint: { hostIpEnv: "HOST_IP", grpc: "$(HOST_IP):4317", http: "http://$(HOST_IP):4318" },
                              jaegerUrl: "http://127.0.0.1:1",
                          },
                      }
                    : { ...args.inputs };
            if (args.type === "command:local:Command" && args.name.endsWith("-kubeconfig")) state.stdout = process.env.KUBETRACING_FAKE_KUBECONFIG;
            if (args.type === "docker:index/container:Container") state.ports = args.inputs.ports.map((p, i) => ({ ...p, external: 32768 + i }));
            return { id: `${args.name}-id`, state };
        },
        call: (args) => args.inputs,
    },
    project.name,
    "dev",
    false,
);
// The mocked monitor has no shutdown call, which the entry module makes once the program is done.
requireFromProgram("@pulumi/pulumi/runtime/settings").getMonitor().signalAndWaitForShutdown ??= async () => undefined;

// Step 3: the language host's own entry module with the arguments constructArguments builds.
process.argv = [process.argv[0], "run", "--monitor", "mocked", "--project", project.name, "--stack", "dev", "--root-directory", projectDir, "--pwd", pwd, main];
requireFromProgram("@pulumi/pulumi/cmd/run");
