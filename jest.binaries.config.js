/** The real-binaries tier: real etcd and containerd from Debian's newer suites (scripts/fetch-binaries.sh). */
module.exports = {
    ...require("./jest.shared"),
    roots: ["<rootDir>/tests/real-binaries"],
    testTimeout: 60000,
    // The tests mostly wait on real processes and exporters, so two files at once even on 2 cores.
    maxWorkers: 2,
    // @elastic/mockotlpserver keeps a handle open after close(); every process the tests start is stopped in afterEach.
    forceExit: true,
};
