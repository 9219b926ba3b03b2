// jest globalSetup/globalTeardown of the trace-path tier: the tests' dockerd is started on demand by
// the tier (scripts/test-docker.sh start) and stopped afterwards unless it was already running, so
// a developer's `npm run test:all` leaves no daemon behind while a long session can keep one.
const { spawnSync } = require("child_process");
const path = require("path");

const script = path.join(__dirname, "..", "..", "scripts", "test-docker.sh");
const running = () => spawnSync("bash", [script, "env"]).status === 0;

module.exports = {
    setup: async () => {
        process.env.KUBETRACING_TEST_DOCKER_WAS_RUNNING = running() ? "1" : "";
    },
    teardown: async () => {
        if (!process.env.KUBETRACING_TEST_DOCKER_WAS_RUNNING) spawnSync("bash", [script, "stop"], { stdio: "inherit" });
    },
};
