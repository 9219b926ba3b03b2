/**
 * The trace-path tier: the real Collector and Jaeger (built by scripts/fetch-tools.sh) in the tests'
 * own dockerd (scripts/test-docker.sh), fed by real etcd and containerd; `npm run verify` against them.
 */
module.exports = {
    ...require("./jest.shared"),
    roots: ["<rootDir>/tests/trace-path"],
    testTimeout: 180000,
    // One file at a time: the containers and the real processes share two cores.
    maxWorkers: 1,
    forceExit: true,
    globalSetup: "<rootDir>/tests/trace-path/global-setup.js",
    globalTeardown: "<rootDir>/tests/trace-path/global-teardown.js",
};
