/**
 * LIST with resourceVersion, resourceVersionMatch, limit and continue, as kube-apiserver v1.30
 * serves it from etcd without a watch cache (src/kube/list.ts), seen through
 * `kubectl get --raw`; and the 410 of a watch from a compacted revision.
 */
import { describe, expect, it } from "vitest";
import { KubeEnv } from "../../src/kube/env.js";
import { kubeClientActor } from "../../src/kube/client.js";
import type { WatchEvent } from "../../src/kube/protocol.js";
import { ShellSession } from "../../src/shell/session.js";

const COLLECTION = "/api/v1/namespaces/default/configmaps";

interface RawList {
  readonly kind: string;
  readonly metadata: { readonly resourceVersion: string; readonly continue?: string; readonly remainingItemCount?: number };
  readonly items: readonly { readonly metadata: { readonly name: string; readonly resourceVersion: string } }[];
}

/** A shell with ConfigMaps a (revision 2) and b (revision 3). */
function shellWithTwo(): ShellSession {
  const shell = new ShellSession({ members: 3, seed: 1 });
  expect(shell.execute("kubectl create configmap a --from-literal=k=1").stdout).toBe("configmap/a created\n");
  expect(shell.execute("kubectl create configmap b --from-literal=k=1").stdout).toBe("configmap/b created\n");
  return shell;
}

function list(shell: ShellSession, query: string): RawList {
  const output = shell.execute(`kubectl get --raw '${COLLECTION}${query}'`);
  expect(output.stderr).toBe("");
  return JSON.parse(output.stdout) as RawList;
}

function names(result: RawList): string {
  return `${result.items.map((item) => `${item.metadata.name}@${item.metadata.resourceVersion}`).join(" ")} (list at ${result.metadata.resourceVersion})`;
}

describe("LIST and resourceVersion", () => {
  it("reads the latest state when resourceVersion is unset, 0, or N not older than it", () => {
    const shell = shellWithTwo();
    expect(names(list(shell, ""))).toBe("a@2 b@3 (list at 3)");
    expect(names(list(shell, "?resourceVersion=0"))).toBe("a@2 b@3 (list at 3)");
    expect(names(list(shell, "?resourceVersion=2"))).toBe("a@2 b@3 (list at 3)");
    expect(names(list(shell, "?resourceVersion=2&resourceVersionMatch=NotOlderThan"))).toBe("a@2 b@3 (list at 3)");
    expect(shell.execute(`kubectl get --raw '${COLLECTION}?resourceVersion=9'`).stderr).toBe("Error from server (Timeout): Too large resource version: 9, current: 3\n");
    expect(shell.execute(`kubectl get --raw '${COLLECTION}/a?resourceVersion=9'`).stderr).toBe("Error from server (Timeout): Too large resource version: 9, current: 3\n");
  });

  it("reads the collection as it was at N for Exact and for the legacy resourceVersion with limit", () => {
    const shell = shellWithTwo();
    expect(names(list(shell, "?resourceVersion=2&resourceVersionMatch=Exact"))).toBe("a@2 (list at 2)");
    expect(names(list(shell, "?resourceVersion=2&limit=5"))).toBe("a@2 (list at 2)");
    expect(shell.execute(`kubectl get --raw '${COLLECTION}?resourceVersion=9&resourceVersionMatch=Exact'`).stderr).toBe("Error from server: etcdserver: mvcc: required revision is a future revision\n");
  });

  it("answers a compacted exact read with 410 Expired in the etcd3 store's words", () => {
    const shell = shellWithTwo();
    expect(shell.execute("etcdctl compaction 3").stdout).toBe("compacted revision 3\n");
    const expired = "Error from server (Expired): The resourceVersion for the provided list is too old.\n";
    expect(shell.execute(`kubectl get --raw '${COLLECTION}?resourceVersion=2&resourceVersionMatch=Exact'`).stderr).toBe(expired);
    expect(shell.execute(`kubectl get --raw '${COLLECTION}?resourceVersion=2&limit=1'`).stderr).toBe(expired);
    expect(names(list(shell, "?resourceVersion=3&resourceVersionMatch=Exact"))).toBe("a@2 b@3 (list at 3)");
    expect(names(list(shell, "?resourceVersion=2"))).toBe("a@2 b@3 (list at 3)");
  });

  it("pages with limit and continue at the first page's revision; a compacted token is 410 with a token to go on", () => {
    const shell = shellWithTwo();
    const first = list(shell, "?limit=1");
    expect(names(first)).toBe("a@2 (list at 3)");
    expect(first.metadata.remainingItemCount).toBe(1);
    const token = first.metadata.continue as string;
    expect(JSON.parse(Buffer.from(token, "base64url").toString("utf8"))).toEqual({ v: "meta.k8s.io/v1", rv: 3, start: "a\u0000" });
    shell.execute("kubectl create configmap c");
    const second = list(shell, `?limit=1&continue=${token}`);
    expect(names(second)).toBe("b@3 (list at 3)");
    expect(second.metadata.continue).toBeUndefined();
    shell.execute("etcdctl compaction 4");
    expect(shell.execute(`kubectl get --raw '${COLLECTION}?limit=1&continue=${token}'`).stderr).toBe(
      "Error from server (Expired): The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.\n",
    );
  });

  it("refuses malformed options with the API server's words", () => {
    const shell = shellWithTwo();
    const error = (query: string): string => shell.execute(`kubectl get --raw '${COLLECTION}${query}'`).stderr;
    expect(error("?resourceVersionMatch=Exact")).toBe('Error from server (Invalid): ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided\n');
    expect(error("?resourceVersion=0&resourceVersionMatch=Exact")).toBe('Error from server (Invalid): ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"\n');
    expect(error("?resourceVersion=abc")).toBe('Error from server (BadRequest): invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax\n');
    const token = list(shell, "?limit=1").metadata.continue as string;
    expect(error(`?resourceVersion=3&continue=${token}`)).toBe("Error from server (BadRequest): specifying resource version is not allowed when using continue\n");
    expect(error("?continue=e30")).toBe("Error from server (BadRequest): invalid continue token: continue key is not valid: server does not recognize this encoded version \n");
    expect(error("?limit=x")).toBe('Error from server (BadRequest): strconv.ParseInt: parsing "x": invalid syntax\n');
  });

  it("lists every namespace at /api/v1/configmaps", () => {
    const shell = shellWithTwo();
    shell.execute("kubectl create configmap z -n kube-system");
    const all = JSON.parse(shell.execute("kubectl get --raw /api/v1/configmaps").stdout) as RawList;
    expect(names(all)).toBe("a@2 b@3 z@4 (list at 4)");
  });
});

describe("WATCH from a compacted resourceVersion", () => {
  it("gets one ERROR event: 410 Expired in the etcd3 watcher's words", () => {
    const shell = shellWithTwo();
    shell.execute("etcdctl compaction 3");
    const env = KubeEnv.of(shell.cluster);
    const client = kubeClientActor(shell.cluster.world, "watcher", env.server()).client;
    const events: WatchEvent[] = [];
    client.call({ verb: "watch", resource: "configmaps", namespace: "default", resourceVersion: "1" }, 5_000_000, (outcome) => {
      if (outcome.ok && outcome.value.kind === "watch") client.listen(outcome.value.watchId, (event) => events.push(event));
    });
    shell.cluster.world.runFor(2_000_000);
    expect(events).toEqual([{ type: "ERROR", object: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "The resourceVersion for the provided watch is too old.", reason: "Expired", code: 410 } }]);
  });
});
