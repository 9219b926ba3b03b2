import * as fc from "fast-check";
import { formerChildAliases, formerLogicalNames, LOGICAL_NAMES, stackNames } from "../stack/names";

/** RFC 1123 label as kind and Docker take it; k3d also caps a cluster name at 32 characters. */
const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** What Pulumi accepts as a stack name: letters, digits, "-", "_" and ".". */
const stackName = fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/);
/** Edits that keep a name readable the same but make it another stack. */
const lookalike = fc.constantFrom(
    (s: string) => s.toUpperCase(),
    (s: string) => s.toLowerCase(),
    (s: string) => s.replace(/-/g, "_"),
    (s: string) => s.replace(/[_.]/g, "-"),
    (s: string) => `${s}-`,
    (s: string) => `_${s}`,
);

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
        ["kubetracing", "Alice--Bob", "alice-bob"],
        // A DNS label starts with a letter.
        ["9lives", "dev", "dev"],
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

    it("keeps project-stack as is up to 24 characters, and hashes it from 25", () => {
        expect(stackNames("kubetracing", "abcdefghijkl").cluster).toBe("kubetracing-abcdefghijkl");
        expect(stackNames("kubetracing", "abcdefghijklm").cluster).toMatch(/^kt-abcdefghijklm-[0-9a-f]{6}$/);
    });

    it("a stack name with nothing readable still gets a valid name", () => {
        expect(stackNames("kubetracing", "___").cluster).toMatch(/^kt-[a-z0-9-]*[0-9a-f]{6}$/);
    });

    it("gives distinct stacks distinct names, each a DNS label (property)", () => {
        const check = (a: string, b: string) => {
            fc.pre(a !== b);
            const [na, nb] = [stackNames("kubetracing", a), stackNames("kubetracing", b)];
            expect(na.cluster).not.toBe(nb.cluster);
            for (const name of Object.values(na)) expect(name).toMatch(DNS_LABEL);
            expect(na.cluster.length).toBeLessThanOrEqual(24);
        };
        fc.assert(
            fc.property(stackName, lookalike, (a, edit) => check(a, edit(a))),
            { numRuns: 300 },
        );
        fc.assert(fc.property(stackName, stackName, check), { numRuns: 200 });
    });

    it.each([
        ["My-Stack", "my-stack"],
        ["a_b", "a-b"],
        ["a.b", "a-b"],
    ])("%s and %s get different names", (a, b) => {
        expect(stackNames("kubetracing", a).cluster).not.toBe(stackNames("kubetracing", b).cluster);
    });
});

describe("logical names", () => {
    // Written out: a rename would give every stack new URNs, so it must fail a test.
    it("are the same in every stack", () => {
        expect(LOGICAL_NAMES).toEqual({ backend: "backend", cluster: "kubernetes", agent: "node-agent" });
    });

    it("were the stack's cluster name before, which the aliases name", () => {
        expect(formerLogicalNames(stackNames("kubetracing", "dev"))).toEqual({
            backend: "kubetracing-dev",
            cluster: "kubetracing-dev",
            agent: "kubetracing-dev-agent",
        });
        // A hashed cluster name too: the alias must be exactly what the stack was made with.
        expect(formerLogicalNames(stackNames("kubetracing", "a-very-long-stack-name-for-a-team"))).toEqual({
            backend: "kt-a-very-long-st-f99138",
            cluster: "kt-a-very-long-st-f99138",
            agent: "kt-a-very-long-st-f99138-agent",
        });
    });

    it("alias a child to the former name with its part, and nothing without a former name", () => {
        expect(formerChildAliases("kubetracing-dev", "cluster")).toEqual([{ name: "kubetracing-dev-cluster" }]);
        expect(formerChildAliases(undefined, "cluster")).toEqual([]);
    });
});
