import { describe, expect, test } from "vitest";
import {
  type CommandOutput,
  type EndpointStatus,
  type EtcdctlResponse,
  type MemberInfo,
  printLocalCommand,
  printOutcome,
  isLocalCommand,
} from "../../src/etcdctl/index.js";
import { EtcdError, etcdErrors } from "../../src/mvcc/index.js";
import { parsed } from "./helpers.js";

// Golden outputs of etcdctl v3.5's cluster printers: etcdctl/ctlv3/command/printer.go
// (makeMemberListTable, makeEndpointHealthTable, makeEndpointStatusTable), printer_simple.go
// (Grant, Revoke, KeepAlive, TimeToLive, Leases, Alarm, MemberAdd/Remove/Update/Promote,
// MemberList, EndpointHealth, EndpointStatus, MoveLeader), printer_json.go (printJSON,
// printMemberListWithHexJSON), printer_fields.go, printer_table.go; lease_command.go,
// member_command.go (the ETCD_* lines), ep_command.go, snapshot_command.go, defrag_command.go,
// move_leader_command.go, version_command.go; etcdutl/etcdutl/printer*.go (snapshot status).

const cluster = { clusterId: 0xcdf818194e3a8c32n, memberId: 0x8e9e05c52164694dn, raftTerm: 2 };
const ids = '"cluster_id":14841639068965178418,"member_id":10276657743932975437';
const fieldsHeader = (revision: number): string => `"ClusterID" : 14841639068965178418\n"MemberID" : 10276657743932975437\n"Revision" : ${revision}\n"RaftTerm" : 2\n`;

function print(line: string, response: EtcdctlResponse, stdin?: string): CommandOutput {
  return printOutcome(parsed(line, stdin === undefined ? {} : { stdin }), { ok: true, value: response }, { cluster });
}

function failed(line: string, error: EtcdError): CommandOutput {
  return printOutcome(parsed(line), { ok: false, error }, { cluster });
}

const out = (stdout: string): CommandOutput => ({ stdout, stderr: "", exitCode: 0 });
const err = (stderr: string, exitCode: number, stdout = ""): CommandOutput => ({ stdout, stderr, exitCode });

const leaseId = 0x694d77aa9e382;

describe("lease", () => {
  const grant: EtcdctlResponse = { kind: "lease-grant", response: { header: { revision: 5 }, id: leaseId, ttl: 60, error: "" } };

  test("grant in every format", () => {
    expect(print("lease grant 60", grant)).toEqual(out("lease 000694d77aa9e382 granted with TTL(60s)\n"));
    expect(print("lease grant 60 -w json", grant)).toEqual(out(`{${ids},"revision":5,"raft_term":2,"ID":1852503057097602,"TTL":60,"Error":""}\n`));
    expect(print("lease grant 60 -w fields", grant)).toEqual(out(`${fieldsHeader(5)}"ID" : 1852503057097602\n"TTL" : 60\n`));
    expect(print("lease grant 60 -w table", grant)).toEqual(err("Error: table not supported as output format\n", 4));
    expect(failed("lease grant 9000000001", etcdErrors.leaseTtlTooLarge)).toEqual(err("Error: failed to grant lease (etcdserver: too large lease TTL)\n", 1));
  });

  test("revoke", () => {
    const revoke: EtcdctlResponse = { kind: "lease-revoke", response: { header: { revision: 6 } } };
    expect(print("lease revoke 694d77aa9e382", revoke)).toEqual(out("lease 000694d77aa9e382 revoked\n"));
    expect(print("lease revoke 694d77aa9e382 -w json", revoke)).toEqual(out(`{"header":{${ids},"revision":6,"raft_term":2}}\n`));
    expect(print("lease revoke 694d77aa9e382 -w fields", revoke)).toEqual(out(fieldsHeader(6)));
    expect(failed("lease revoke 694d77aa9e382", etcdErrors.leaseNotFound)).toEqual(err("Error: failed to revoke lease (etcdserver: requested lease not found)\n", 1));
  });

  test("timetolive, with and without keys, and an expired lease", () => {
    const live: EtcdctlResponse = { kind: "lease-timetolive", response: { header: { revision: 6 }, id: leaseId, ttl: 52, grantedTtl: 60, keys: ["foo", "bar"] } };
    const gone: EtcdctlResponse = { kind: "lease-timetolive", response: { header: { revision: 6 }, id: leaseId, ttl: -1, grantedTtl: 0, keys: [] } };
    expect(print("lease timetolive 694d77aa9e382", { ...live, response: { ...live.response, keys: [] } })).toEqual(out("lease 000694d77aa9e382 granted with TTL(60s), remaining(52s)\n"));
    expect(print("lease timetolive 694d77aa9e382 --keys", live)).toEqual(out("lease 000694d77aa9e382 granted with TTL(60s), remaining(52s), attached keys([foo bar])\n"));
    expect(print("lease timetolive 694d77aa9e382", gone)).toEqual(out("lease 000694d77aa9e382 already expired\n"));
    expect(print("lease timetolive 694d77aa9e382 --keys -w json", live)).toEqual(out(`{${ids},"revision":6,"raft_term":2,"id":1852503057097602,"ttl":52,"granted-ttl":60,"keys":["Zm9v","YmFy"]}\n`));
    expect(print("lease timetolive 694d77aa9e382 -w json", gone)).toEqual(out(`{${ids},"revision":6,"raft_term":2,"id":1852503057097602,"ttl":-1,"granted-ttl":0,"keys":null}\n`));
    expect(print("lease timetolive 694d77aa9e382 --keys -w fields", live)).toEqual(out(`${fieldsHeader(6)}"ID" : 1852503057097602\n"TTL" : 52\n"GrantedTTL" : 60\n"Key" : "foo"\n"Key" : "bar"\n`));
    expect(failed("lease timetolive 694d77aa9e382", new EtcdError("DeadlineExceeded", "context deadline exceeded"))).toEqual(err("Error: context deadline exceeded\n", 2));
  });

  test("list", () => {
    const list: EtcdctlResponse = { kind: "lease-list", response: { header: { revision: 6 }, ids: [leaseId, 0x1f] } };
    expect(print("lease list", list)).toEqual(out("found 2 leases\n000694d77aa9e382\n000000000000001f\n"));
    expect(print("lease list -w json", list)).toEqual(out(`{${ids},"revision":6,"raft_term":2,"leases":[{"id":1852503057097602},{"id":31}]}\n`));
    expect(print("lease list -w json", { kind: "lease-list", response: { header: { revision: 6 }, ids: [] } })).toEqual(out(`{${ids},"revision":6,"raft_term":2,"leases":[]}\n`));
    expect(print("lease list -w fields", list)).toEqual(out(`${fieldsHeader(6)}"ID" : 1852503057097602\n"ID" : 31\n`));
  });

  test("keep-alive: one line per renewal until the lease is gone", () => {
    const renewal = { header: { revision: 6 }, id: leaseId, ttl: 60 };
    const stream: EtcdctlResponse = { kind: "lease-keep-alive", response: { responses: [renewal, renewal, { ...renewal, ttl: 0 }], ended: true } };
    expect(print("lease keep-alive 694d77aa9e382", stream)).toEqual(
      out("lease 000694d77aa9e382 keepalived with TTL(60)\nlease 000694d77aa9e382 keepalived with TTL(60)\nlease 000694d77aa9e382 expired or revoked.\n"),
    );
    expect(print("lease keep-alive --once 694d77aa9e382", { kind: "lease-keep-alive", response: { responses: [renewal], ended: false } })).toEqual(
      out("lease 000694d77aa9e382 keepalived with TTL(60)\n"),
    );
    expect(print("lease keep-alive 694d77aa9e382 -w json", stream)).toEqual(
      out(`{${ids},"revision":6,"raft_term":2,"ID":1852503057097602,"TTL":60}\n{${ids},"revision":6,"raft_term":2,"ID":1852503057097602,"TTL":60}\n`),
    );
    expect(failed("lease keep-alive --once 694d77aa9e382", etcdErrors.leaseNotFound)).toEqual(err("Error: etcdserver: requested lease not found\n", 2));
  });
});

const members: MemberInfo[] = [
  { id: 0x8e9e05c52164694dn, name: "infra1", peerURLs: ["http://127.0.0.1:2380"], clientURLs: ["http://127.0.0.1:2379"], isLearner: false },
  { id: 0x91bc3c398fb3c146n, name: "", peerURLs: ["http://127.0.0.1:22380"], clientURLs: [], isLearner: true },
];

describe("member", () => {
  const list: EtcdctlResponse = { kind: "member-list", response: { header: { revision: 5 }, members } };

  test("list: simple rows, json, json with --hex, fields, table", () => {
    expect(print("member list", list)).toEqual(out("8e9e05c52164694d, started, infra1, http://127.0.0.1:2380, http://127.0.0.1:2379, false\n91bc3c398fb3c146, unstarted, , http://127.0.0.1:22380, , true\n"));
    expect(print("member list -w json", list)).toEqual(
      out(
        `{"header":{${ids},"revision":5,"raft_term":2},"members":[{"ID":10276657743932975437,"name":"infra1","peerURLs":["http://127.0.0.1:2380"],"clientURLs":["http://127.0.0.1:2379"]},` +
          `{"ID":10501334649042878790,"peerURLs":["http://127.0.0.1:22380"],"isLearner":true}]}\n`,
      ),
    );
    expect(print("member list -w json --hex", list)).toEqual(
      out(
        '{"header":{"cluster_id":"cdf818194e3a8c32","member_id":"8e9e05c52164694d","raft_term":2},"members":[{"ID":"8e9e05c52164694d","name":"infra1","peerURLs":["http://127.0.0.1:2380"],"clientURLS":["http://127.0.0.1:2379"]},' +
          '{"ID":"91bc3c398fb3c146","name":"","peerURLs":["http://127.0.0.1:22380"],"clientURLS":null}]}\n',
      ),
    );
    expect(print("member list -w fields", { kind: "member-list", response: { header: { revision: 5 }, members: members.slice(0, 1) } })).toEqual(
      out(`${fieldsHeader(5)}"ID" : 10276657743932975437\n"Name" : "infra1"\n"PeerURL" : "http://127.0.0.1:2380"\n"ClientURL" : "http://127.0.0.1:2379"\n"IsLearner" : false\n\n`),
    );
    expect(print("member list -w table", list).stdout).toBe(
      [
        "+------------------+-----------+--------+------------------------+-----------------------+------------+",
        "|        ID        |  STATUS   |  NAME  |       PEER ADDRS       |     CLIENT ADDRS      | IS LEARNER |",
        "+------------------+-----------+--------+------------------------+-----------------------+------------+",
        "| 8e9e05c52164694d |   started | infra1 |  http://127.0.0.1:2380 | http://127.0.0.1:2379 |      false |",
        "| 91bc3c398fb3c146 | unstarted |        | http://127.0.0.1:22380 |                       |       true |",
        "+------------------+-----------+--------+------------------------+-----------------------+------------+",
        "",
      ].join("\n"),
    );
  });

  test("add: the member line, then the environment to start it with", () => {
    const added = { id: 0x5a1b9f0c77d0e3a2n, name: "", peerURLs: ["http://10.0.0.4:2380"], clientURLs: [], isLearner: false };
    const response: EtcdctlResponse = { kind: "member-add", response: { header: { revision: 5 }, member: added, members: [members[0] as MemberInfo, added] } };
    expect(print("member add infra4 --peer-urls=http://10.0.0.4:2380", response)).toEqual(
      out(
        "Member 5a1b9f0c77d0e3a2 added to cluster cdf818194e3a8c32\n\n" +
          'ETCD_NAME="infra4"\nETCD_INITIAL_CLUSTER="infra1=http://127.0.0.1:2380,infra4=http://10.0.0.4:2380"\n' +
          'ETCD_INITIAL_ADVERTISE_PEER_URLS="http://10.0.0.4:2380"\nETCD_INITIAL_CLUSTER_STATE="existing"\n',
      ),
    );
    expect(print("member add infra4 --peer-urls=http://10.0.0.4:2380 -w json", response).stdout).toBe(
      `{"header":{${ids},"revision":5,"raft_term":2},"member":{"ID":6492958163683304354,"peerURLs":["http://10.0.0.4:2380"]},"members":[{"ID":10276657743932975437,"name":"infra1","peerURLs":["http://127.0.0.1:2380"],"clientURLs":["http://127.0.0.1:2379"]},{"ID":6492958163683304354,"peerURLs":["http://10.0.0.4:2380"]}]}\n`,
    );
    expect(print("member add infra4 --peer-urls=http://10.0.0.4:2380 -w fields", response)).toEqual(err("Error: fields not supported as output format\n", 4));
    const unstarted = new EtcdError("FailedPrecondition", "etcdserver: unhealthy cluster");
    expect(failed("member add infra4 --peer-urls=http://10.0.0.4:2380", unstarted)).toEqual(err("Error: etcdserver: unhealthy cluster\n", 1));
  });

  test("remove, update, promote", () => {
    const change = (kind: "member-remove" | "member-update" | "member-promote"): EtcdctlResponse => ({ kind, response: { header: { revision: 5 }, members: members.slice(0, 1) } });
    expect(print("member remove 91bc3c398fb3c146", change("member-remove"))).toEqual(out("Member 91bc3c398fb3c146 removed from cluster cdf818194e3a8c32\n"));
    expect(print("member update 1f --peer-urls=http://a:2380", change("member-update"))).toEqual(out("Member               1f updated in cluster cdf818194e3a8c32\n"));
    expect(print("member promote 91bc3c398fb3c146", change("member-promote"))).toEqual(out("Member 91bc3c398fb3c146 promoted in cluster cdf818194e3a8c32\n"));
    expect(print("member remove 91bc3c398fb3c146 -w json", change("member-remove"))).toEqual(
      out(`{"header":{${ids},"revision":5,"raft_term":2},"members":[{"ID":10276657743932975437,"name":"infra1","peerURLs":["http://127.0.0.1:2380"],"clientURLs":["http://127.0.0.1:2379"]}]}\n`),
    );
    expect(print("member promote 91bc3c398fb3c146 -w table", change("member-promote"))).toEqual(err("Error: table not supported as output format\n", 4));
  });
});

describe("endpoint", () => {
  const healthy = { endpoint: "127.0.0.1:2379", health: true, tookUs: 1_834, error: "" };
  const unhealthy = { endpoint: "127.0.0.1:22379", health: false, tookUs: 5_000_000, error: "context deadline exceeded" };

  test("health: healthy lines on stdout, unhealthy on stderr, then the exit", () => {
    expect(print("endpoint health", { kind: "endpoint-health", response: [healthy] })).toEqual(out("127.0.0.1:2379 is healthy: successfully committed proposal: took = 1.834ms\n"));
    expect(print("endpoint health", { kind: "endpoint-health", response: [healthy, unhealthy] })).toEqual(
      err(
        "127.0.0.1:22379 is unhealthy: failed to commit proposal: context deadline exceeded\nError: unhealthy cluster\n",
        1,
        "127.0.0.1:2379 is healthy: successfully committed proposal: took = 1.834ms\n",
      ),
    );
  });

  test("health in json, table and fields", () => {
    expect(print("endpoint health -w json", { kind: "endpoint-health", response: [healthy, unhealthy] })).toEqual(
      err("Error: unhealthy cluster\n", 1, '[{"endpoint":"127.0.0.1:2379","health":true,"took":"1.834ms"},{"endpoint":"127.0.0.1:22379","health":false,"took":"5s","error":"context deadline exceeded"}]\n'),
    );
    expect(print("endpoint health -w table", { kind: "endpoint-health", response: [healthy] }).stdout).toBe(
      ["+----------------+--------+---------+-------+", "|    ENDPOINT    | HEALTH |  TOOK   | ERROR |", "+----------------+--------+---------+-------+", "| 127.0.0.1:2379 |   true | 1.834ms |       |", "+----------------+--------+---------+-------+", ""].join("\n"),
    );
    expect(print("endpoint health -w fields", { kind: "endpoint-health", response: [healthy] })).toEqual(out('"Endpoint" : "127.0.0.1:2379"\n"Health" : true\n"Took" : 1.834ms\n"Error" : \n\n'));
    expect(failed("endpoint health --cluster", new EtcdError("DeadlineExceeded", "context deadline exceeded"))).toEqual(
      err("Error: failed to fetch endpoints from etcd cluster member list: context deadline exceeded\n", 1),
    );
  });

  const status: EndpointStatus = {
    endpoint: "127.0.0.1:2379",
    clusterId: 0xcdf818194e3a8c32n,
    memberId: 0x8e9e05c52164694dn,
    revision: 1,
    raftTerm: 2,
    version: "3.5.21",
    dbSize: 20480,
    dbSizeInUse: 16384,
    leader: 0x8e9e05c52164694dn,
    isLearner: false,
    raftIndex: 4,
    raftAppliedIndex: 4,
    errors: [],
  };
  const alarmed: EndpointStatus = { ...status, endpoint: "127.0.0.1:22379", memberId: 0x91bc3c398fb3c146n, errors: ["memberID:10501334649042878790 alarm:NOSPACE "] };

  test("status: simple rows and the failures on stderr", () => {
    expect(print("endpoint status", { kind: "endpoint-status", response: { statuses: [status, alarmed], failures: [] } })).toEqual(
      out("127.0.0.1:2379, 8e9e05c52164694d, 3.5.21, 20 kB, true, false, 2, 4, 4, \n127.0.0.1:22379, 91bc3c398fb3c146, 3.5.21, 20 kB, false, false, 2, 4, 4, memberID:10501334649042878790 alarm:NOSPACE \n"),
    );
    expect(print("endpoint status", { kind: "endpoint-status", response: { statuses: [status], failures: [{ endpoint: "127.0.0.1:32379", error: "context deadline exceeded" }] } })).toEqual(
      err("Failed to get the status of endpoint 127.0.0.1:32379 (context deadline exceeded)\n", 1, "127.0.0.1:2379, 8e9e05c52164694d, 3.5.21, 20 kB, true, false, 2, 4, 4, \n"),
    );
  });

  test("status in json, fields and table", () => {
    expect(print("endpoint status -w json", { kind: "endpoint-status", response: { statuses: [status], failures: [] } })).toEqual(
      out(
        `[{"Endpoint":"127.0.0.1:2379","Status":{"header":{${ids},"revision":1,"raft_term":2},"version":"3.5.21","dbSize":20480,"leader":10276657743932975437,"raftIndex":4,"raftTerm":2,"raftAppliedIndex":4,"dbSizeInUse":16384}}]\n`,
      ),
    );
    expect(print("endpoint status -w fields", { kind: "endpoint-status", response: { statuses: [status], failures: [] } })).toEqual(
      out(
        `${fieldsHeader(1)}"Version" : "3.5.21"\n"DBSize" : 20480\n"Leader" : 10276657743932975437\n"IsLearner" : false\n"RaftIndex" : 4\n"RaftTerm" : 2\n"RaftAppliedIndex" : 4\n"Errors" : []\n"Endpoint" : "127.0.0.1:2379"\n\n`,
      ),
    );
    expect(print("endpoint status -w table", { kind: "endpoint-status", response: { statuses: [status, alarmed], failures: [] } }).stdout).toBe(
      [
        "+-----------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------------------------------+",
        "|    ENDPOINT     |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX |             ERRORS             |",
        "+-----------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------------------------------+",
        "|  127.0.0.1:2379 | 8e9e05c52164694d |  3.5.21 |   20 kB |      true |      false |         2 |          4 |                  4 |                                |",
        "| 127.0.0.1:22379 | 91bc3c398fb3c146 |  3.5.21 |   20 kB |     false |      false |         2 |          4 |                  4 |  memberID:10501334649042878790 |",
        "|                 |                  |         |         |           |            |           |            |                    |                 alarm:NOSPACE  |",
        "+-----------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------------------------------+",
        "",
      ].join("\n"),
    );
  });
});

describe("alarm", () => {
  const alarms: EtcdctlResponse = { kind: "alarm-list", response: { header: { revision: 9 }, alarms: [{ memberId: 0x1e1b2c3d4e5f6n, alarm: "NOSPACE" }] } };

  test("the protobuf compact text of each alarm", () => {
    expect(print("alarm list", alarms)).toEqual(out("memberID:529632882648566 alarm:NOSPACE \n"));
    expect(print("alarm list", { kind: "alarm-list", response: { header: { revision: 9 }, alarms: [] } })).toEqual(out(""));
    expect(print("alarm disarm", { kind: "alarm-disarm", response: alarms.response })).toEqual(out("memberID:529632882648566 alarm:NOSPACE \n"));
  });

  test("json, fields, table", () => {
    expect(print("alarm list -w json", alarms)).toEqual(out(`{"header":{${ids},"revision":9,"raft_term":2},"alarms":[{"memberID":529632882648566,"alarm":1}]}\n`));
    expect(print("alarm list -w fields", alarms)).toEqual(out(`${fieldsHeader(9)}"MemberID" : 529632882648566\n"AlarmType" : NOSPACE\n\n`));
    expect(print("alarm list -w table", alarms)).toEqual(err("Error: table not supported as output format\n", 4));
  });
});

describe("snapshot, defrag, move-leader, version, help", () => {
  test("snapshot save", () => {
    expect(print("snapshot save snap.db", { kind: "snapshot-save", response: { path: "snap.db" } })).toEqual(out("Snapshot saved at snap.db\n"));
    expect(failed("snapshot save snap.db", new EtcdError("DeadlineExceeded", "context deadline exceeded"))).toEqual(err("Error: context deadline exceeded\n", 5));
  });

  test("snapshot status (etcdutl's printers, after etcdctl's deprecation notice)", () => {
    const status: EtcdctlResponse = { kind: "snapshot-status", response: { hash: 0xfe01cf57, revision: 10, totalKey: 7, totalSize: 20480 } };
    const notice = "Deprecated: Use `etcdutl snapshot status` instead.\n\n";
    expect(print("snapshot status snap.db", status)).toEqual({ stdout: "fe01cf57, 10, 7, 20 kB\n", stderr: notice, exitCode: 0 });
    expect(print("snapshot status snap.db -w json", status).stdout).toBe('{"hash":4261531479,"revision":10,"totalKey":7,"totalSize":20480}\n');
    expect(print("snapshot status snap.db -w fields", status).stdout).toBe('"Hash" : 4261531479\n"Revision" : 10\n"Keys" : 7\n"Size" : 20480\n');
    expect(print("snapshot status snap.db -w table", status).stdout).toBe(
      ["+----------+----------+------------+------------+", "|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |", "+----------+----------+------------+------------+", "| fe01cf57 |       10 |          7 |      20 kB |", "+----------+----------+------------+------------+", ""].join("\n"),
    );
  });

  test("snapshot restore: etcdutl's log lines", () => {
    const result: EtcdctlResponse = { kind: "snapshot-restore", response: { logTime: "2024-01-01T00:00:05Z", clusterId: 0xcdf818194e3a8c32n, members: [{ id: 0x8e9e05c52164694dn, peerURLs: ["http://localhost:2380"] }] } };
    const paths = '{"path": "snap.db", "wal-dir": "default.etcd/member/wal", "data-dir": "default.etcd", "snap-dir": "default.etcd/member/snap"}';
    expect(print("snapshot restore snap.db", result)).toEqual({
      stdout: "",
      stderr:
        "Deprecated: Use `etcdutl snapshot restore` instead.\n\n" +
        `2024-01-01T00:00:05Z\tinfo\tsnapshot/v3_snapshot.go:248\trestoring snapshot\t${paths}\n` +
        "2024-01-01T00:00:05Z\tinfo\tmembership/store.go:141\tTrimming membership information from the backend...\n" +
        '2024-01-01T00:00:05Z\tinfo\tmembership/cluster.go:421\tadded member\t{"cluster-id": "cdf818194e3a8c32", "local-member-id": "0", "added-peer-id": "8e9e05c52164694d", "added-peer-peer-urls": ["http://localhost:2380"]}\n' +
        `2024-01-01T00:00:05Z\tinfo\tsnapshot/v3_snapshot.go:269\trestored snapshot\t${paths}\n`,
      exitCode: 0,
    });
  });

  test("defrag", () => {
    expect(print("defrag --cluster", { kind: "defrag", response: { endpoints: [{ endpoint: "127.0.0.1:2379", error: "" }, { endpoint: "127.0.0.1:22379", error: "context deadline exceeded" }] } })).toEqual(
      err("Failed to defragment etcd member[127.0.0.1:22379] (context deadline exceeded)\n", 1, "Finished defragmenting etcd member[127.0.0.1:2379]\n"),
    );
  });

  test("move-leader", () => {
    const moved: EtcdctlResponse = { kind: "move-leader", response: { leaderFound: true, header: { revision: 3 }, leaderId: 0x8e9e05c52164694dn } };
    expect(print("move-leader 91bc3c398fb3c146", moved)).toEqual(out("Leadership transferred from 8e9e05c52164694d to 91bc3c398fb3c146\n"));
    expect(print("move-leader 91bc3c398fb3c146 -w json", moved)).toEqual(out(`{"header":{${ids},"revision":3,"raft_term":2}}\n`));
    expect(print("--endpoints a:1,b:2 move-leader 91bc3c398fb3c146", { kind: "move-leader", response: { leaderFound: false } })).toEqual(err("Error: no leader endpoint given at [a:1 b:2]\n", 128));
  });

  test("version and help print without a cluster", () => {
    const version = parsed("version");
    expect(isLocalCommand(version.command) && printLocalCommand({ ...version, command: version.command })).toEqual(out("etcdctl version: 3.5.21\nAPI version: 3.5\n"));
    const help = parsed("put -h");
    expect(isLocalCommand(help.command) && printLocalCommand({ ...help, command: help.command })).toEqual(
      out("NAME:\n\tput - Puts the given key into the store\n\nUSAGE:\n\tetcdctl put [options] <key> <value> (<value> can also be given from stdin) [flags]\n"),
    );
  });
});
