// releases.json was transcribed from the kind and k3s release notes; this keeps it honest against
// tests/fixtures/known-images.json, the same facts copied per release (sources in tests/fixtures/README.md).
import * as fs from "fs";
import * as path from "path";
import releaseData from "../versions/releases.json";
import { FIXTURES_DIR } from "./helpers";

const known = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, "known-images.json"), "utf8"));

describe("pinned release data", () => {
    it.each(releaseData.k3d.map((r) => [r.k3s, r] as const))("k3s %s matches the k3s release notes", (tag, row) => {
        const ref = known.k3s[tag];
        expect(ref).toBeDefined();
        expect(row.image).toBe(ref.image);
        expect(`v${row.etcd}`).toBe(ref.etcd.replace(/-k3s.*$/, ""));
        expect(`v${row.containerd}`).toBe(ref.containerd.replace(/-k3s.*$/, ""));
    });

    it.each(releaseData.kind.map((r) => [r.kindRelease, r.kubernetes, r] as const))("kind %s node image %s matches its release notes", (release, k8s, row) => {
        const ref = known.kind[release];
        expect(ref.images[k8s]).toBe(row.image);
        expect(row.containerd).toBe(ref.containerd);
    });

    it("has every k3s release and every kind image from 1.29 on", () => {
        const k3s = Object.keys(known.k3s).filter((t) => !/^v1\.2[0-8]\./.test(t));
        expect(releaseData.k3d.map((r) => r.k3s).sort()).toEqual(k3s.sort());
        const kindImages = Object.entries(known.kind).flatMap(([rel, v]: [string, any]) =>
            Object.keys(v.images)
                .filter((k) => !/^1\.2[0-8]\./.test(k))
                .map((k) => `${rel} ${k}`),
        );
        expect(releaseData.kind.map((r) => `${r.kindRelease} ${r.kubernetes}`).sort()).toEqual(kindImages.sort());
    });
});
