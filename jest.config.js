/** Type checking is `tsc --noEmit` (npm test runs it first); jest only transpiles, with swc. */
module.exports = {
    testEnvironment: "node",
    // Jest's transform cache, in the ignored .cache/ rather than the system temp directory.
    cacheDirectory: "<rootDir>/.cache/jest",
    roots: ["<rootDir>/tests"],
    testMatch: ["**/*.test.ts"],
    // The real-binaries and trace-path tiers have their own configs and commands.
    testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/real-binaries/", "<rootDir>/tests/trace-path/"],
    transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }] },
    testTimeout: 30000,
};
