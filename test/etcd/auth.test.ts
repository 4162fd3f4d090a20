/**
 * The member's auth API layer: tokens assigned through Raft and accepted by every member, etcd's
 * errors for a bad token, a wrong password and a request without a user.
 */
import { describe, expect, it } from "vitest";
import type { ClientActor } from "../../src/etcd/client.js";
import { DEFAULT_SETTINGS, EtcdCluster } from "../../src/etcd/cluster.js";
import type { ClientRequest, ClientResponse, Outcome } from "../../src/etcd/protocol.js";
import { bytesFromText } from "../../src/mvcc/bytes.js";
import { World } from "../../src/sim/world.js";

function newCluster() {
  const world = new World({ seed: 9 });
  const etcd = new EtcdCluster(world, { members: 3, bugs: [], observe: false, settings: { ...DEFAULT_SETTINGS } });
  world.runFor(3_000_000, () => etcd.leader() !== undefined);
  return { world, etcd, client: etcd.client("c1") };
}

function send(world: World, client: ClientActor, endpoint: string, request: ClientRequest): Outcome<ClientResponse> {
  let answer: Outcome<ClientResponse> | undefined;
  const done = (outcome: Outcome<ClientResponse>) => {
    answer = outcome;
  };
  if (request.kind === "range" || request.kind === "put" || request.kind === "deleteRange" || request.kind === "txn" || request.kind === "compact") client.call(endpoint, request, 5_000_000, done);
  else client.callServer(endpoint, request, 5_000_000, done);
  world.runFor(5_100_000, () => answer !== undefined);
  if (answer === undefined) throw new Error("no answer");
  return answer;
}

function errorOf(outcome: Outcome<ClientResponse>): string {
  return outcome.ok ? "ok" : outcome.error.message;
}

const put = (key: string): ClientRequest => ({ kind: "put", request: { key: bytesFromText(key), value: bytesFromText("v") } });

describe("auth through the cluster", () => {
  it("assigns a token through Raft that every member accepts, and refuses bad ones", () => {
    const { world, client } = newCluster();
    expect(errorOf(send(world, client, "n1", { kind: "auth", request: { type: "authUserAdd", request: { name: "root", password: "pw" } } }))).toBe("ok");
    expect(errorOf(send(world, client, "n1", { kind: "auth", request: { type: "authUserGrantRole", request: { user: "root", role: "root" } } }))).toBe("ok");
    expect(errorOf(send(world, client, "n2", { kind: "authenticate", request: { name: "root", password: "pw" } }))).toBe("etcdserver: authentication is not enabled");
    expect(errorOf(send(world, client, "n1", { kind: "auth", request: { type: "authEnable", request: {} } }))).toBe("ok");
    expect(errorOf(send(world, client, "n2", { kind: "authenticate", request: { name: "root", password: "nope" } }))).toBe("etcdserver: authentication failed, invalid user ID or password");
    const authenticated = send(world, client, "n2", { kind: "authenticate", request: { name: "root", password: "pw" } });
    if (!authenticated.ok || authenticated.value.kind !== "authenticate") throw new Error("not authenticated");
    const token = authenticated.value.response.token;
    expect(token).toMatch(/^[a-zA-Z]{16}\.[0-9]+$/);
    expect(errorOf(send(world, client, "n3", put("a")))).toBe("etcdserver: user name is empty");
    expect(errorOf(send(world, client, "n3", { kind: "leaseGrant", request: { id: 0, ttl: 60 } }))).toBe("etcdserver: user name is empty");
    client.token = token;
    expect(errorOf(send(world, client, "n3", put("a")))).toBe("ok");
    expect(errorOf(send(world, client, "n1", { kind: "range", request: { key: bytesFromText("a"), serializable: true } }))).toBe("ok");
    client.token = "bogusbogusbogusb.7";
    expect(errorOf(send(world, client, "n1", put("a")))).toBe("etcdserver: invalid auth token");
    client.token = token;
    expect(errorOf(send(world, client, "n1", { kind: "auth", request: { type: "authUserChangePassword", request: { name: "root", password: "new" } } }))).toBe("ok");
    expect(errorOf(send(world, client, "n2", put("a")))).toBe("etcdserver: invalid auth token");
  });

  it("never proposes a plain password", () => {
    const { world, etcd, client } = newCluster();
    send(world, client, "n1", { kind: "auth", request: { type: "authUserAdd", request: { name: "alice", password: "secret" } } });
    const entries = JSON.stringify(world.disk("n1").readList("raft/wal"));
    expect(entries).toContain("authUserAdd");
    expect(entries).not.toContain("secret");
    expect(etcd.member("n3")?.stateMachine.auth.userList()).toEqual(["alice"]);
  });
});
