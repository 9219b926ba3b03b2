/**
 * The lifecycle tier (npm run test:lifecycle, not in test:all or CI): the real pulumi CLI with whatever
 * language host and providers Pulumi resolves, against the tests' dockerd and our kind node image.
 */
module.exports = {
    ...require("./jest.shared"),
    roots: ["<rootDir>/tests/lifecycle"],
    // A pulumi up of a kind stack takes about a minute; a replacement, two.
    testTimeout: 900000,
    maxWorkers: 1,
    forceExit: true,
    globalSetup: "<rootDir>/tests/trace-path/global-setup.js",
    globalTeardown: "<rootDir>/tests/trace-path/global-teardown.js",
};
