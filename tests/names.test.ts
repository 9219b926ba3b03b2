import { stackNames } from "../config-files/names";

describe("stack names", () => {
    it("uses project-stack as is when it is a short DNS label", () => {
        expect(stackNames("kubetracing", "dev")).toEqual({
            cluster: "kubetracing-dev",
            network: "kubetracing-dev-net",
            jaegerContainer: "kubetracing-dev-jaeger",
            collectorContainer: "kubetracing-dev-collector",
        });
    });

    it.each([
        ["kubetracing", "alice-feature-branch", "alice-feature"],
        ["kubetracing", "Staging_EU", "staging-eu"],
        ["kubetracing", "team.platform.ci", "team-platform"],
        ["a-very-long-project-name", "qa", "qa"],
    ])("a hashed name (%s, %s) keeps the stack's own name readable", (project, stack, readable) => {
        const { cluster } = stackNames(project, stack);
        expect(cluster).toMatch(new RegExp(`^kt-${readable}-[0-9a-f]{6}$`));
        expect(cluster.length).toBeLessThanOrEqual(24);
        expect(cluster).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    });

    it("keeps names that differ only in what the label drops apart", () => {
        const names = ["Dev", "dev_", "d.e.v", "DEV", "dev-", "-dev"].map((s) => stackNames("kubetracing", s).cluster);
        expect(new Set(names).size).toBe(names.length);
    });

    it("a stack name with nothing readable still gets a valid name", () => {
        expect(stackNames("kubetracing", "___").cluster).toMatch(/^kt-[a-z0-9-]*[0-9a-f]{6}$/);
    });
});
