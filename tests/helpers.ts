// Shared by the tests: a settings builder, the rendered stack, and the temp directories and fixtures they use.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { parseSettings, StackSettings } from "../settings/settings";
import { stackNames } from "../stack/names";
import { renderStack, RenderedStack } from "../config-files/render-stack";

export const PROJECT_DIR = path.resolve(__dirname, "..");
/** Upstream files the tests check against, copied into the repository (see tests/fixtures/README.md). */
export const FIXTURES_DIR = path.join(PROJECT_DIR, "tests", "fixtures");

/**
 * Temporary directories for one test file: all under one directory made on first use and removed
 * after the file's tests, so a run leaves nothing in the system's temp directory.
 */
export function useTempDirs(prefix: string): (name?: string) => string {
    let root: string | undefined;
    const remove = () => {
        if (root) fs.rmSync(root, { recursive: true, force: true });
    };
    // Outside jest (the bench scripts import the tiers' drivers) the process's exit removes it.
    if (typeof afterAll === "function") afterAll(remove);
    else process.on("exit", remove);
    return (name = "t") => {
        root ??= fs.mkdtempSync(path.join(os.tmpdir(), `kt-${prefix}-`));
        return fs.mkdtempSync(path.join(root, `${name}-`));
    };
}

export function settingsOf(raw: Record<string, unknown> = {}): StackSettings {
    return parseSettings(raw);
}

export function renderOf(raw: Record<string, unknown> = {}, stack = "test"): RenderedStack {
    return renderStack(settingsOf(raw), stackNames("kubetracing", stack));
}

export function file(rendered: RenderedStack, role: string): string {
    const a = rendered.artifacts.find((x) => x.role === role);
    if (!a) throw new Error(`no artifact with role ${role}; have ${rendered.artifacts.map((x) => x.role).join(", ")}`);
    return a.content;
}

export function yamlOf(rendered: RenderedStack, role: string): any {
    return parseYaml(file(rendered, role));
}

export function hasRole(rendered: RenderedStack, role: string): boolean {
    return rendered.artifacts.some((a) => a.role === role);
}
