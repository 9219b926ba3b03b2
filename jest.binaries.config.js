/** The real-binaries tier: real etcd and containerd from Debian's newer suites (scripts/fetch-binaries.sh). */
module.exports = {
    testEnvironment: "node",
    // Jest's transform cache, in the ignored .cache/ rather than the system temp directory.
    cacheDirectory: "<rootDir>/.cache/jest",
    roots: ["<rootDir>/tests/real-binaries"],
    testMatch: ["**/*.test.ts"],
    transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }] },
    testTimeout: 60000,
    // The tests mostly wait on real processes and exporters, so two files at once even on 2 cores.
    maxWorkers: 2,
    // @elastic/mockotlpserver keeps a handle open after close(); every process the tests start is stopped in afterEach.
    forceExit: true,
};
