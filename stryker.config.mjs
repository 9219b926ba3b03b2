// @ts-check
import { mkdirSync } from "node:fs";
import { join } from "node:path";
/**
 * The test files that exercise each file directly. A run scoped to one of these files with
 * `--mutate FILE` runs only them: its score is a lower bound (other tests might kill more mutants),
 * reached in minutes where the whole suite per mutant takes hours on 2 cores.
 */
const TESTS_FOR = {
    "stack/endpoints.ts": ["renderers", "in-cluster-collector", "host-exposure", "collector-pipelines", "golden"],
    "stack/names.ts": ["names", "golden"],
    "versions/versions.ts": ["versions", "release-data", "containerd-on-k3s", "settings", "renderers", "golden"],
    "engine/engine-scripts.ts": ["engine-scripts", "golden"],
    "settings/settings.ts": ["settings", "stack-file", "exporters", "host-exposure", "golden"],
    "settings/config-values.ts": ["settings", "exporters", "stack-file"],
    "scripts/verify-core.ts": ["verify"],
};
// The tests' own temp directories go under Stryker's, so a mutant that breaks a test's cleanup
// leaves nothing in the system temp directory (the child processes inherit TMPDIR).
const testTemp = join(import.meta.dirname, ".stryker-tmp", "test-tmp");
mkdirSync(testTemp, { recursive: true });
process.env.TMPDIR = testTemp;

const mutateArg = process.argv.indexOf("--mutate");
const scopedTests = mutateArg > 0 ? TESTS_FOR[process.argv[mutateArg + 1]] : undefined;

/**
 * `npm run mutate`: mutation testing (StrykerJS) of the pure code (config-files/, settings/,
 * versions/, stack/, engine/ and scripts/verify-core.ts), against the jest suite. Slow on 2 cores, so not part of CI: scope a run
 * with `npm run mutate -- --mutate stack/names.ts`; incremental mode keeps the results in
 * reports/ and tests again only the mutants whose code or tests changed.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
    packageManager: "npm",
    testRunner: "jest",
    jest: {
        projectType: "custom",
        configFile: "jest.config.js",
        enableFindRelatedTests: false,
        config: {
            // The unit tests of the pure code. Left out: tests of the shell scripts, workflows and git
            // checkout (no mutated code; some cannot run in a sandbox inside the checkout), and the
            // program under Pulumi mocks and the CLIs in child processes, which take seconds per
            // mutant and reach the pure code only through the renderers tested here directly.
            ...(scopedTests ? { testMatch: scopedTests.map((t) => `**/tests/${t}.test.ts`) } : {}),
            testPathIgnorePatterns: [
                "/node_modules/",
                "<rootDir>/tests/real-binaries/",
                "<rootDir>/tests/trace-path/",
                ...["scripts-pulumi", "fetch-binaries", "workflows", "cache-scripts"].map((t) => `<rootDir>/tests/${t}.test.ts`),
                ...["components", "consumer", "in-cluster-component", "language-host", "render-cli", "bad-input-corpus"].map(
                    (t) => `<rootDir>/tests/${t}.test.ts`,
                ),
            ],
        },
    },
    coverageAnalysis: "perTest",
    mutate: ["config-files/*.ts", "settings/*.ts", "versions/*.ts", "stack/*.ts", "engine/*.ts", "scripts/verify-core.ts"],
    // The sandbox is a copy of the project: not the tool builds, caches or earlier reports.
    ignorePatterns: [".cache", "rendered", "bin", "reports", "tools"],
    // Mutants in module-level constants would each need the whole suite; the tables they hold are
    // checked value by value in tests/versions.test.ts and the golden renders.
    ignoreStatic: true,
    incremental: true,
    incrementalFile: "reports/stryker-incremental.json",
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
    concurrency: 2,
    timeoutMS: 10000,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: "reports/mutation/mutation.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    clearTextReporter: { allowColor: false, reportTests: false, reportMutants: true },
};
