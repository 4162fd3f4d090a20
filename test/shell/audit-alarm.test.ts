/**
 * Audit of issue #4: the NOSPACE alarm names each member by its 64-bit etcd member ID, the one
 * `member list` prints (in hex; alarms print it in decimal, as etcd's protobuf text does), in
 * `alarm list` (every format), `endpoint status` ERRORS and `alarm disarm`; a snapshot keeps the
 * alarms, IDs intact, through save and restore.
 */
import { expect, it } from "vitest";
import { DEFAULT_SETTINGS, EtcdCluster, summarizeMessage } from "../../src/etcd/cluster.js";
import { ShellSession } from "../../src/shell/session.js";
import { World } from "../../src/sim/world.js";

function fullCluster(): ShellSession {
  const world = new World({ seed: 1, summarize: summarizeMessage });
  const cluster = new EtcdCluster(world, { members: 3, settings: DEFAULT_SETTINGS, bugs: [], observe: true, server: { quotaBackendBytes: 64 * 1024 } });
  world.runFor(30_000_000, () => cluster.leader() !== undefined);
  const session = new ShellSession({ members: 3, seed: 1, existing: { world, cluster } });
  let refused = "";
  for (let index = 0; index < 20 && refused === ""; index++) refused = session.execute(`put k${index} ${"v".repeat(8000)}`).stderr;
  expect(refused).toBe("Error: etcdserver: mvcc: database space exceeded\n");
  session.execute(":advance 1s");
  return session;
}

it("alarm list, endpoint status and alarm disarm name the members by the IDs member list prints", () => {
  const session = fullCluster();
  const members = session.execute("member list").stdout.trimEnd().split("\n");
  const ids = members.map((line) => BigInt(`0x${line.split(",")[0] as string}`)).sort((left, right) => (left < right ? -1 : 1));
  expect(ids.map((id) => id.toString(16))).toEqual(["628170c800dbcee", "9e737febb6b99eee", "b71f75320dc06a6c"]);
  const alarms = ids.map((id) => `memberID:${id} alarm:NOSPACE `);
  expect(alarms).toEqual(["memberID:443629905751424238 alarm:NOSPACE ", "memberID:11417610130673999598 alarm:NOSPACE ", "memberID:13195394291058371180 alarm:NOSPACE "]);
  expect(session.execute("alarm list")).toEqual({ stdout: alarms.map((line) => `${line}\n`).join(""), stderr: "" });
  expect(session.execute("alarm list -w json").stdout).toBe(
    `{"header":{"cluster_id":463090138629053241,"member_id":13195394291058371180,"revision":7,"raft_term":1},"alarms":[${ids.map((id) => `{"memberID":${id},"alarm":1}`).join(",")}]}\n`,
  );
  expect(session.execute("alarm list -w fields").stdout).toBe(
    ['"ClusterID" : 463090138629053241', '"MemberID" : 13195394291058371180', '"Revision" : 7', '"RaftTerm" : 1', ...ids.flatMap((id) => [`"MemberID" : ${id}`, '"AlarmType" : NOSPACE', ""]), ""].join("\n"),
  );
  expect(session.execute("alarm list -w table")).toEqual({ stdout: "", stderr: "Error: table not supported as output format\n" });
  expect(session.execute("endpoint status").stdout).toBe(`127.0.0.1:2379, b71f75320dc06a6c, 3.5.21, 70 kB, true, false, 1, 14, 14, ${alarms.join(", ")}\n`);
  expect(session.execute("endpoint status -w json").stdout).toContain(`"errors":[${alarms.map((text) => JSON.stringify(text)).join(",")}]`);
  // tablewriter wraps the ERRORS cell at 30 columns, a line per word.
  const table = session.execute("endpoint status -w table").stdout;
  for (const id of ids) expect(table).toMatch(new RegExp(`\\| +memberID:${id} \\|\n`));

  // A snapshot keeps the alarms with their IDs (etcd's "alarm" bucket, uint64 member IDs).
  expect(session.execute("snapshot save s.db").stdout).toBe("Snapshot saved at s.db\n");
  session.execute("snapshot restore s.db --data-dir /var/lib/restored");
  session.execute(":manifest data-dir /var/lib/restored");
  expect(session.execute("alarm list").stdout).toBe(alarms.map((line) => `${line}\n`).join(""));

  expect(session.execute("alarm disarm")).toEqual({ stdout: alarms.map((line) => `${line}\n`).join(""), stderr: "" });
  expect(session.execute("alarm list")).toEqual({ stdout: "", stderr: "" });
});
