/**
 * The API server's decoded objects (src/kube/objects.ts `DecodedObjects`): an object is parsed once
 * while its key keeps the same stored value and mod_revision, and parsed afresh when either changes
 * (a restored cluster can give a key another value at a revision it had before).
 */
import { describe, expect, it } from "vitest";
import { DecodedObjects, decodeFromStorage, encodeForStorage, type KubeObject } from "../../src/kube/objects.js";

const KEY = "/registry/configmaps/default/cfg";

function stored(data: Record<string, string>): string {
  return encodeForStorage({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "default", uid: "u-1" }, data } as KubeObject);
}

describe("DecodedObjects", () => {
  it("gives the same object for the same value and mod_revision, as decodeFromStorage makes it", () => {
    const decoded = new DecodedObjects();
    const value = stored({ k: "1" });
    const first = decoded.decode({ key: KEY, value, modRevision: 7 });
    expect(first).toEqual(decodeFromStorage(value, 7));
    expect(first.metadata.resourceVersion).toBe("7");
    expect(decoded.decode({ key: KEY, value, modRevision: 7 })).toBe(first);
  });

  it("parses again when the value or the mod_revision differs", () => {
    const decoded = new DecodedObjects();
    const value = stored({ k: "1" });
    const first = decoded.decode({ key: KEY, value, modRevision: 7 });
    const later = decoded.decode({ key: KEY, value, modRevision: 9 });
    expect(later.metadata.resourceVersion).toBe("9");
    const other = decoded.decode({ key: KEY, value: stored({ k: "2" }), modRevision: 9 });
    expect(other["data"]).toEqual({ k: "2" });
    expect(other.metadata.resourceVersion).toBe("9");
    expect(decoded.decode({ key: KEY, value, modRevision: 7 })).not.toBe(first);
    expect(decoded.decode({ key: KEY, value, modRevision: 7 })).toEqual(first);
  });
});
