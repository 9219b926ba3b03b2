/** What every tier's jest config shares. Type checking is `tsc --noEmit` (npm test runs it first); jest only transpiles, with swc. */
const path = require("path");

// ts-node (in the scripts the tests run) keeps TypeScript's compiled code in $TMPDIR/v8-compile-cache-<uid>
// (v8-compile-cache-lib, through ts-node's util.js), and Node 22's module compile cache defaults to
// $TMPDIR/node-compile-cache: both go under the ignored .cache/ instead, so no test leaves files in /tmp.
// Set here, in the process that starts the workers, so every child the tests start inherits them.
process.env.V8_COMPILE_CACHE_CACHE_DIR ??= path.join(__dirname, ".cache", "v8-compile-cache");
process.env.NODE_COMPILE_CACHE ??= path.join(__dirname, ".cache", "node-compile-cache");

module.exports = {
    testEnvironment: "node",
    // Jest's transform cache, in the ignored .cache/ rather than the system temp directory.
    cacheDirectory: "<rootDir>/.cache/jest",
    testMatch: ["**/*.test.ts"],
    transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }] },
};
