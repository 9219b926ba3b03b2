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
    // Both cores: jest's default is one worker fewer than the cores, which on a 2-core machine runs the
    // CPU-bound suites one at a time (31 s here against 19 s).
    maxWorkers: 2,
};
