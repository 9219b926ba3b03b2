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
    // Both cores: jest's default is one worker fewer than the cores, which on a 2-core machine runs the
    // CPU-bound suites one at a time (31 s here against 19 s).
    maxWorkers: 2,
};
