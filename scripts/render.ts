// npm run render -- --stack NAME --out DIR      (reads Pulumi.NAME.yaml)
// npm run render -- --config FILE --out DIR     (any Pulumi.<stack>.yaml)
//
// Writes every file the stack would hand to Docker, the engine and the nodes, plus render.json
// (role → file name), with no Pulumi CLI and no Docker. Same renderers and errors as `pulumi up`.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { parse as parseYaml } from "yaml";
import { ConfigError, parseSettings } from "../settings/settings";
import { stackNames } from "../stack/names";
import { renderStack } from "../config-files/render-stack";
import { readStackConfig, stackNameFromFile, StackFileError } from "../settings/stack-file";

const PROJECT_DIR = path.resolve(__dirname, "..");
const USAGE = "usage: npm run render -- (--stack NAME | --config Pulumi.NAME.yaml) --out DIR";
/** What --help prints. */
export const HELP = `${USAGE}

Writes every file the stack hands to Docker, the engine and the nodes into DIR, plus render.json
(role → file name, the exporters' names, notes). No Pulumi CLI and no Docker needed.

  --stack NAME      read Pulumi.NAME.yaml beside Pulumi.yaml
  --config FILE     read any Pulumi.<stack>.yaml (the stack name comes from the file name)
  --out DIR         an empty or new directory, or one an earlier render wrote
  -h, --help        print this and exit

Exit codes: 0 written, 2 bad usage or settings (each problem named).
`;
export const INDEX_FILE = "render.json";

/** A refused invocation: exit 2 with this message. */
export class RenderUsageError extends Error {}

function options(argv: string[]): { stack?: string; config?: string; out?: string; help?: boolean } {
    try {
        return parseArgs({
            args: argv,
            options: { stack: { type: "string" }, config: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
            strict: true,
            allowPositionals: false,
        }).values;
    } catch (err) {
        throw new RenderUsageError(`${(err as Error).message}\n${USAGE}`);
    }
}

/**
 * Creates the output directory one level at a time. `mkdirSync(…, { recursive: true })` can loop
 * forever where a parent exists but cannot hold directories (under /proc, for one).
 */
function makeDirectory(dir: string): void {
    const missing: string[] = [];
    let at = dir;
    for (;;) {
        let stat: fs.Stats | undefined;
        try {
            stat = fs.statSync(at);
        } catch {
            stat = undefined;
        }
        if (stat) {
            if (!stat.isDirectory()) throw new RenderUsageError(`--out ${dir}: ${at} exists and is not a directory`);
            break;
        }
        const parent = path.dirname(at);
        if (parent === at) break;
        missing.unshift(at);
        at = parent;
    }
    for (const d of missing) {
        try {
            fs.mkdirSync(d, { mode: 0o755 });
        } catch (err) {
            throw new RenderUsageError(`--out ${dir}: cannot create ${d} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        }
    }
}

/**
 * An existing --out directory must be empty, or hold an earlier render: then the files its
 * render.json lists (plain names in that directory, nothing else) are removed first, so a file the
 * new render no longer writes does not linger. Anything else in it is left alone.
 */
function clearPreviousRender(outDir: string): void {
    const entries = fs.readdirSync(outDir);
    if (!entries.length) return;
    if (!entries.includes(INDEX_FILE)) {
        throw new RenderUsageError(`--out ${outDir} is not empty and holds no ${INDEX_FILE} of an earlier render; give an empty or new directory`);
    }
    let listed: string[];
    try {
        const index = JSON.parse(fs.readFileSync(path.join(outDir, INDEX_FILE), "utf8"));
        listed = Object.values(index.artifacts ?? {}).filter((f): f is string => typeof f === "string");
    } catch (err) {
        throw new RenderUsageError(`--out ${outDir}: its ${INDEX_FILE} cannot be read (${(err as Error).message}); give an empty or new directory`);
    }
    for (const name of [...listed, INDEX_FILE]) {
        if (name !== path.basename(name) || name === "." || name === "..") continue;
        const file = path.join(outDir, name);
        const stat = fs.lstatSync(file, { throwIfNoEntry: false });
        // A symlink is removed itself, never followed; a directory is not ours to remove.
        if (stat && !stat.isDirectory()) fs.unlinkSync(file);
    }
}

/** Writes a new file; never through a symlink or over something that is already there. */
function writeNew(file: string, content: string): void {
    try {
        fs.writeFileSync(file, content, { flag: "wx" });
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") {
            throw new RenderUsageError(`${file} already exists and is not from an earlier render; give an empty or new directory`);
        }
        throw err;
    }
}

export function render(argv: string[]): { outDir: string; files: string[] } {
    const args = options(argv);
    if (!args.out || !args.stack === !args.config) throw new RenderUsageError(USAGE);
    if (args.stack !== undefined && !/^[A-Za-z0-9_.-]+$/.test(args.stack)) {
        throw new RenderUsageError(`--stack ${JSON.stringify(args.stack)}: a stack name has letters, digits, '_', '.' and '-' only`);
    }
    const stackFile = args.config ? path.resolve(args.config) : path.join(PROJECT_DIR, `Pulumi.${args.stack}.yaml`);
    const stack = args.stack ?? stackNameFromFile(stackFile);
    if (!stack) throw new RenderUsageError(`cannot tell the stack name from ${stackFile}: name the file Pulumi.<stack>.yaml or pass --stack`);
    if (!fs.existsSync(stackFile)) throw new RenderUsageError(`no stack file ${stackFile}`);

    const projectYaml = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8");
    const project = (parseYaml(projectYaml) as { name: string }).name;
    const settings = parseSettings(readStackConfig(fs.readFileSync(stackFile, "utf8"), path.basename(stackFile)));
    const names = stackNames(project, stack);
    const rendered = renderStack(settings, names);

    const outDir = path.resolve(args.out);
    makeDirectory(outDir);
    clearPreviousRender(outDir);
    for (const a of rendered.artifacts) writeNew(path.join(outDir, a.fileName), a.content);
    const index = {
        project,
        stack,
        engine: settings.engine,
        kubernetesVersion: settings.release.kubernetes,
        clusterName: names.cluster,
        network: names.network,
        artifacts: Object.fromEntries(rendered.artifacts.map((a) => [a.role, a.fileName])),
        // Names only: header values are never rendered (the Collector config names their variables).
        exporters: rendered.exporterNames,
        notes: rendered.notes,
    };
    writeNew(path.join(outDir, INDEX_FILE), JSON.stringify(index, null, 2) + "\n");
    return { outDir, files: [...rendered.artifacts.map((a) => a.fileName), INDEX_FILE] };
}

/** True when the command line asks for help (and is otherwise well formed). */
export function wantsHelp(argv: string[]): boolean {
    try {
        return options(argv).help === true;
    } catch {
        return false;
    }
}

if (require.main === module) {
    if (wantsHelp(process.argv.slice(2))) {
        process.stdout.write(HELP);
        process.exit(0);
    }
    try {
        const { outDir, files } = render(process.argv.slice(2));
        console.log(`wrote ${files.length} files to ${outDir}:\n  ${files.join("\n  ")}`);
        const { notes } = JSON.parse(fs.readFileSync(path.join(outDir, INDEX_FILE), "utf8")) as { notes: string[] };
        for (const note of notes) console.error(`warning: ${note}`);
    } catch (err) {
        const known = err instanceof ConfigError || err instanceof StackFileError || err instanceof RenderUsageError;
        console.error(err instanceof ConfigError ? err.message : `render: ${known ? (err as Error).message : (err as Error).stack}`);
        process.exit(2);
    }
}
