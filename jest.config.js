/** The unit tier (`npm test`): pure renderers, settings, scripts, and the components under Pulumi's mocks. */
module.exports = {
    ...require("./jest.shared"),
    roots: ["<rootDir>/tests"],
    // The real-binaries, trace-path, cluster and lifecycle tiers have their own configs and commands.
    testPathIgnorePatterns: [
        "/node_modules/",
        "<rootDir>/tests/real-binaries/",
        "<rootDir>/tests/trace-path/",
        "<rootDir>/tests/cluster/",
        "<rootDir>/tests/lifecycle/",
    ],
    testTimeout: 30000,
    // One worker more than the 2 cores: jest's default (one fewer than the cores) runs the CPU-bound suites
    // one at a time, and a third worker's suite runs while another waits on a real timeout (engine
    // scripts, verify's deadlines). npm test's jest here, 3 runs each: 2 workers 33.1/32.0/30.9 s, 3 workers
    // 29.0/27.0/31.9 s.
    maxWorkers: 3,
};
