// Examples from distribution/reference's own tests (reference_test.go) and Docker's behaviour.
import { parseImageReference } from "../settings/image-reference";

describe("image references", () => {
    it.each`
        text                                                | domain               | path                              | tag           | digest
        ${"busybox:1.36.1"}                                 | ${undefined}         | ${"busybox"}                      | ${"1.36.1"}   | ${undefined}
        ${"otel/opentelemetry-collector:0.159.0"}           | ${undefined}         | ${"otel/opentelemetry-collector"} | ${"0.159.0"}  | ${undefined}
        ${"registry.k8s.io/etcd:3.5.12-0"}                  | ${"registry.k8s.io"} | ${"etcd"}                         | ${"3.5.12-0"} | ${undefined}
        ${"localhost:5000/team/jaeger:2.19.0"}              | ${"localhost:5000"}  | ${"team/jaeger"}                  | ${"2.19.0"}   | ${undefined}
        ${"localhost/jaeger:v2"}                            | ${"localhost"}       | ${"jaeger"}                       | ${"v2"}       | ${undefined}
        ${"[::1]:5000/jaeger:2.19.0"}                       | ${"[::1]:5000"}      | ${"jaeger"}                       | ${"2.19.0"}   | ${undefined}
        ${"a__b/c-d.e_f:T-1"}                               | ${undefined}         | ${"a__b/c-d.e_f"}                 | ${"T-1"}      | ${undefined}
        ${`jaeger@sha256:${"a".repeat(64)}`}                | ${undefined}         | ${"jaeger"}                       | ${undefined}  | ${`sha256:${"a".repeat(64)}`}
        ${`cr.io/j/jaeger:2.19.0@sha256:${"0".repeat(64)}`} | ${"cr.io"}           | ${"j/jaeger"}                     | ${"2.19.0"}   | ${`sha256:${"0".repeat(64)}`}
    `("accepts $text", ({ text, domain, path, tag, digest }) => {
        expect(parseImageReference(text)).toEqual({ domain, path, tag, digest });
    });

    it.each([
        "",
        ":1",
        "foo:1;rm -rf ~",
        "a@sha256:zzz",
        `a@sha256:${"a".repeat(63)}`,
        `a@sha256:${"A".repeat(64)}`,
        `a@sha512:${"a".repeat(128)}`,
        "a b:1",
        "Jaeger:1",
        "Team/jaeger:1",
        "a:",
        "a::1",
        "a:-1",
        `a:${"t".repeat(129)}`,
        "-a:1",
        "a-:1",
        "a//b:1",
        "a/:1",
        "/a:1",
        "a:1\nb",
        "a:1 ",
        " a:1",
        "$(id):1",
        "a:$(id)",
        "a`id`:1",
        "a..b:1",
        "a___b:1",
        "localhost:5000:1/a:1",
        `${"a".repeat(256)}:1`,
    ])("refuses %j", (text) => {
        expect(parseImageReference(text)).toBeUndefined();
    });
});
