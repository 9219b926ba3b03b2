// releases.json was transcribed from ../shared/reference/known-images.json; this keeps it honest.
import * as fs from "fs";
import * as path from "path";
import releaseData from "../config-files/releases.json";
import { SHARED_DIR } from "./helpers";

const knownImagesPath = path.join(SHARED_DIR, "reference", "known-images.json");

describe("pinned release data", () => {
    // CI always has ../shared beside the clone; a developer without it is told, not silently passed.
    const known = fs.existsSync(knownImagesPath) ? JSON.parse(fs.readFileSync(knownImagesPath, "utf8")) : undefined;
    if (!known) {
        it("needs ../shared/reference/known-images.json", () => {
            throw new Error(`${knownImagesPath} not found: clone the steering repo's shared/ beside this one`);
        });
        return;
    }

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
        const kindImages = Object.entries(known.kind).flatMap(([rel, v]: [string, any]) => Object.keys(v.images).filter((k) => !/^1\.2[0-8]\./.test(k)).map((k) => `${rel} ${k}`));
        expect(releaseData.kind.map((r) => `${r.kindRelease} ${r.kubernetes}`).sort()).toEqual(kindImages.sort());
    });
});
