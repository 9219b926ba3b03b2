/**
 * The cluster tier: real kind clusters from node images built here (scripts/node-image.sh), created by the
 * rendered create script, with the backend as the stack runs it; verify, the node agent, the delete script.
 */
module.exports = {
    ...require("./jest.shared"),
    roots: ["<rootDir>/tests/cluster"],
    // A cluster takes a minute to come up, verify up to four more.
    testTimeout: 600000,
    // One cluster at a time: each is several privileged containers on two cores.
    maxWorkers: 1,
    forceExit: true,
    globalSetup: "<rootDir>/tests/trace-path/global-setup.js",
    globalTeardown: "<rootDir>/tests/trace-path/global-teardown.js",
};
