/** What every tier's jest config shares. Type checking is `tsc --noEmit` (npm test runs it first); jest only transpiles, with swc. */
module.exports = {
    testEnvironment: "node",
    // Jest's transform cache, in the ignored .cache/ rather than the system temp directory.
    cacheDirectory: "<rootDir>/.cache/jest",
    testMatch: ["**/*.test.ts"],
    transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }] },
};
