/** Type checking is `tsc --noEmit` (npm test runs it first); jest only transpiles, with swc. */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests"],
    testMatch: ["**/*.test.ts"],
    testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/real-binaries/"],
    transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }] },
    testTimeout: 30000,
};
