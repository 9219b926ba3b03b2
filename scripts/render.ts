// npm run render -- --stack NAME --out DIR      (reads Pulumi.NAME.yaml)
// npm run render -- --config FILE --out DIR     (any Pulumi.<stack>.yaml)
//
// Writes every file the stack would hand to Docker, the engine and the nodes, plus render.json
// (role → file name), with no Pulumi CLI and no Docker. Same renderers and errors as `pulumi up`.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { ConfigError, parseSettings, readConfigDeclarations } from "../config-files/settings";
import { stackNames } from "../config-files/names";
import { renderStack } from "../config-files/render-stack";
import { readStackConfig, stackNameFromFile } from "../config-files/stack-file";

const PROJECT_DIR = path.resolve(__dirname, "..");
const USAGE = "usage: npm run render -- (--stack NAME | --config Pulumi.NAME.yaml) --out DIR";

function parseArgs(argv: string[]): Record<string, string> {
    const args: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const m = /^--(stack|config|out)(?:=(.*))?$/.exec(argv[i]);
        if (!m) throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
        const value = m[2] ?? argv[++i];
        if (value === undefined) throw new Error(`--${m[1]} needs a value\n${USAGE}`);
        args[m[1]] = value;
    }
    return args;
}

export function render(argv: string[]): { outDir: string; files: string[] } {
    const args = parseArgs(argv);
    if (!args.out || (!args.stack && !args.config)) throw new Error(USAGE);
    const stackFile = args.config ? path.resolve(args.config) : path.join(PROJECT_DIR, `Pulumi.${args.stack}.yaml`);
    const stack = args.stack ?? stackNameFromFile(stackFile);
    if (!stack) throw new Error(`cannot tell the stack name from ${stackFile}: name the file Pulumi.<stack>.yaml or pass --stack`);
    if (!fs.existsSync(stackFile)) throw new Error(`no stack file ${stackFile}`);

    const projectYaml = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8");
    const project = (parseYaml(projectYaml) as { name: string }).name;
    const settings = parseSettings(readStackConfig(fs.readFileSync(stackFile, "utf8")), readConfigDeclarations(projectYaml));
    const names = stackNames(project, stack);
    const rendered = renderStack(settings, names);

    const outDir = path.resolve(args.out);
    fs.mkdirSync(outDir, { recursive: true });
    for (const a of rendered.artifacts) fs.writeFileSync(path.join(outDir, a.fileName), a.content);
    const index = {
        project,
        stack,
        engine: settings.engine,
        kubernetesVersion: settings.release.kubernetes,
        clusterName: names.cluster,
        network: names.network,
        artifacts: Object.fromEntries(rendered.artifacts.map((a) => [a.role, a.fileName])),
        notes: rendered.notes,
    };
    fs.writeFileSync(path.join(outDir, "render.json"), JSON.stringify(index, null, 2) + "\n");
    return { outDir, files: [...rendered.artifacts.map((a) => a.fileName), "render.json"] };
}

if (require.main === module) {
    try {
        const { outDir, files } = render(process.argv.slice(2));
        console.log(`wrote ${files.length} files to ${outDir}:\n  ${files.join("\n  ")}`);
    } catch (err) {
        console.error(err instanceof ConfigError ? err.message : `render: ${(err as Error).message}`);
        process.exit(2);
    }
}
