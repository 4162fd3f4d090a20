/**
 * Golden tests of the cluster-administration commands through a piped `etcdlab shell`: member,
 * endpoint, move-leader, defrag, compaction and snapshot commands in etcdctl's formats, errors
 * included, and the lab commands :start, :metrics and :manifest (the simulated kubelet).
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";

async function shell(lines: readonly string[], argv: string[] = []) {
  const io = memoryIo({ stdin: `${lines.join("\n")}\n` });
  const code = await runCli(["shell", ...argv], io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

// The IDs etcd derives for the shell's cluster: members from their peer URLs and the token
// "etcd-cluster", the cluster from its members (see src/etcd/membership.ts).
const N1 = "b71f75320dc06a6c";
const N2 = "9e737febb6b99eee";
const N3 = "628170c800dbcee";
const CLUSTER = "66d3a070bf89b39";

describe("member commands", () => {
  it("lists the members in every format, with the answering member's header", async () => {
    const result = await shell(["member list", "member list -w table", "member list -w json", "member list -w fields --endpoints=127.0.0.1:22379"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatchInlineSnapshot(`
      "628170c800dbcee, started, n3, http://127.0.0.1:32380, http://127.0.0.1:32379, false
      9e737febb6b99eee, started, n2, http://127.0.0.1:22380, http://127.0.0.1:22379, false
      b71f75320dc06a6c, started, n1, http://127.0.0.1:2380, http://127.0.0.1:2379, false
      +------------------+---------+------+------------------------+------------------------+------------+
      |        ID        | STATUS  | NAME |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |
      +------------------+---------+------+------------------------+------------------------+------------+
      |  628170c800dbcee | started |   n3 | http://127.0.0.1:32380 | http://127.0.0.1:32379 |      false |
      | 9e737febb6b99eee | started |   n2 | http://127.0.0.1:22380 | http://127.0.0.1:22379 |      false |
      | b71f75320dc06a6c | started |   n1 |  http://127.0.0.1:2380 |  http://127.0.0.1:2379 |      false |
      +------------------+---------+------+------------------------+------------------------+------------+
      {"header":{"cluster_id":463090138629053241,"member_id":13195394291058371180,"raft_term":1},"members":[{"ID":443629905751424238,"name":"n3","peerURLs":["http://127.0.0.1:32380"],"clientURLs":["http://127.0.0.1:32379"]},{"ID":11417610130673999598,"name":"n2","peerURLs":["http://127.0.0.1:22380"],"clientURLs":["http://127.0.0.1:22379"]},{"ID":13195394291058371180,"name":"n1","peerURLs":["http://127.0.0.1:2380"],"clientURLs":["http://127.0.0.1:2379"]}]}
      "ClusterID" : 463090138629053241
      "MemberID" : 11417610130673999598
      "Revision" : 0
      "RaftTerm" : 1
      "ID" : 443629905751424238
      "Name" : "n3"
      "PeerURL" : "http://127.0.0.1:32380"
      "ClientURL" : "http://127.0.0.1:32379"
      "IsLearner" : false

      "ID" : 11417610130673999598
      "Name" : "n2"
      "PeerURL" : "http://127.0.0.1:22380"
      "ClientURL" : "http://127.0.0.1:22379"
      "IsLearner" : false

      "ID" : 13195394291058371180
      "Name" : "n1"
      "PeerURL" : "http://127.0.0.1:2380"
      "ClientURL" : "http://127.0.0.1:2379"
      "IsLearner" : false

      "
    `);
  });

  it("adds a learner, which stays unstarted until :start, and promotes it once it caught up", async () => {
    const result = await shell([
      "put a 1",
      "member add n4 --peer-urls=http://127.0.0.1:42380 --learner",
      "member list",
      "member promote e3560e19cd222b82",
      "member add n5 --peer-urls=http://127.0.0.1:52380 --learner",
      "member add n6 --peer-urls=http://127.0.0.1:2380",
      ":start n4",
      "member list -w table",
      "get a --endpoints=127.0.0.1:42379 --consistency=s",
      "member promote e3560e19cd222b82",
      `member promote ${N2}`,
      "member list -w json",
    ]);
    expect(result.stderr).toMatchInlineSnapshot(`
      "Error: etcdserver: can only promote a learner member which is in sync with leader
      Error: etcdserver: too many learner members in cluster
      Error: etcdserver: Peer URLs already exists
      Error: etcdserver: can only promote a learner member
      "
    `);
    expect(result.stdout).toMatchInlineSnapshot(`
      "OK
      Member e3560e19cd222b82 added to cluster  66d3a070bf89b39

      ETCD_NAME="n4"
      ETCD_INITIAL_CLUSTER="n3=http://127.0.0.1:32380,n2=http://127.0.0.1:22380,n1=http://127.0.0.1:2380,n4=http://127.0.0.1:42380"
      ETCD_INITIAL_ADVERTISE_PEER_URLS="http://127.0.0.1:42380"
      ETCD_INITIAL_CLUSTER_STATE="existing"
      628170c800dbcee, started, n3, http://127.0.0.1:32380, http://127.0.0.1:32379, false
      9e737febb6b99eee, started, n2, http://127.0.0.1:22380, http://127.0.0.1:22379, false
      b71f75320dc06a6c, started, n1, http://127.0.0.1:2380, http://127.0.0.1:2379, false
      e3560e19cd222b82, unstarted, , http://127.0.0.1:42380, , true
      started n4 (member e3560e19cd222b82, client URL http://127.0.0.1:42379): caught up at applied index 3
      +------------------+---------+------+------------------------+------------------------+------------+
      |        ID        | STATUS  | NAME |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |
      +------------------+---------+------+------------------------+------------------------+------------+
      |  628170c800dbcee | started |   n3 | http://127.0.0.1:32380 | http://127.0.0.1:32379 |      false |
      | 9e737febb6b99eee | started |   n2 | http://127.0.0.1:22380 | http://127.0.0.1:22379 |      false |
      | b71f75320dc06a6c | started |   n1 |  http://127.0.0.1:2380 |  http://127.0.0.1:2379 |      false |
      | e3560e19cd222b82 | started |   n4 | http://127.0.0.1:42380 | http://127.0.0.1:42379 |       true |
      +------------------+---------+------+------------------------+------------------------+------------+
      a
      1
      Member e3560e19cd222b82 promoted in cluster  66d3a070bf89b39
      {"header":{"cluster_id":463090138629053241,"member_id":13195394291058371180,"raft_term":1},"members":[{"ID":443629905751424238,"name":"n3","peerURLs":["http://127.0.0.1:32380"],"clientURLs":["http://127.0.0.1:32379"]},{"ID":11417610130673999598,"name":"n2","peerURLs":["http://127.0.0.1:22380"],"clientURLs":["http://127.0.0.1:22379"]},{"ID":13195394291058371180,"name":"n1","peerURLs":["http://127.0.0.1:2380"],"clientURLs":["http://127.0.0.1:2379"]},{"ID":16381296198585297794,"name":"n4","peerURLs":["http://127.0.0.1:42380"],"clientURLs":["http://127.0.0.1:42379"]}]}
      "
    `);
  });

  it("removes and updates members, and refuses what etcd refuses", async () => {
    const result = await shell([
      "member remove 1234",
      `member update ${N3} --peer-urls=http://127.0.0.1:2380`,
      `member update ${N3} --peer-urls=http://10.0.0.3:2380 -w json`,
      ":crash n2",
      "member add n4 --peer-urls=http://127.0.0.1:42380",
      `member remove ${N3}`,
      `member remove ${N2}`,
      "member list",
      ":status",
    ]);
    expect(result.stderr).toMatchInlineSnapshot(`
      "Error: etcdserver: member not found
      Error: etcdserver: Peer URLs already exists
      Error: etcdserver: unhealthy cluster
      Error: etcdserver: unhealthy cluster
      "
    `);
    expect(result.stdout).toMatchInlineSnapshot(`
      "{"header":{"cluster_id":463090138629053241,"member_id":13195394291058371180,"raft_term":1},"members":[{"ID":443629905751424238,"name":"n3","peerURLs":["http://10.0.0.3:2380"],"clientURLs":["http://127.0.0.1:32379"]},{"ID":11417610130673999598,"name":"n2","peerURLs":["http://127.0.0.1:22380"],"clientURLs":["http://127.0.0.1:22379"]},{"ID":13195394291058371180,"name":"n1","peerURLs":["http://127.0.0.1:2380"],"clientURLs":["http://127.0.0.1:2379"]}]}
      Member 9e737febb6b99eee removed from cluster  66d3a070bf89b39
      628170c800dbcee, started, n3, http://10.0.0.3:2380, http://127.0.0.1:32379, false
      b71f75320dc06a6c, started, n1, http://127.0.0.1:2380, http://127.0.0.1:2379, false
      n1 leader term=1 commit=2 applied=2 up
      n2 - term=- commit=- applied=- crashed
      n3 follower term=1 commit=1 applied=1 up
      "
    `);
  });

  it("refuses a voting member when too few members have started", async () => {
    const result = await shell(["member add n2 --peer-urls=http://127.0.0.1:22380", "member add n3 --peer-urls=http://127.0.0.1:32380", "member add n3 --peer-urls=http://127.0.0.1:32380 --learner", "member list"], ["--members", "1"]);
    expect(result.stderr).toMatchInlineSnapshot(`
      "Error: etcdserver: re-configuration failed due to not enough started members
      Error: etcdserver: unhealthy cluster
      "
    `);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Member 81f092d2a8077292 added to cluster 1c45a069f3a1d796

      ETCD_NAME="n2"
      ETCD_INITIAL_CLUSTER="n2=http://127.0.0.1:22380,n1=http://127.0.0.1:2380"
      ETCD_INITIAL_ADVERTISE_PEER_URLS="http://127.0.0.1:22380"
      ETCD_INITIAL_CLUSTER_STATE="existing"
      81f092d2a8077292, unstarted, , http://127.0.0.1:22380, , false
      b71f75320dc06a6c, started, n1, http://127.0.0.1:2380, http://127.0.0.1:2379, false
      "
    `);
  });
});

describe("endpoint, move-leader, defrag and compaction", () => {
  it("shows endpoint status and health in every format, and a member that does not answer", async () => {
    const result = await shell([
      "put a 1",
      "endpoint status",
      "endpoint status -w json",
      "endpoint status --cluster -w table",
      "endpoint status -w fields --endpoints=127.0.0.1:22379",
      "endpoint health --endpoints=127.0.0.1:2379,127.0.0.1:22379",
      "endpoint health --cluster -w table",
      "endpoint health -w json",
      ":crash n3",
      "endpoint status --cluster",
      "endpoint health --cluster",
      ":partition n1 | n2",
      ":crash n2",
      "endpoint health",
    ]);
    expect(result.stderr).toMatchInlineSnapshot(`
      "Failed to get the status of endpoint http://127.0.0.1:32379 (context deadline exceeded)
      http://127.0.0.1:32379 is unhealthy: failed to commit proposal: context deadline exceeded
      Error: unhealthy cluster
      127.0.0.1:2379 is unhealthy: failed to commit proposal: context deadline exceeded
      Error: unhealthy cluster
      "
    `);
    expect(result.stdout).toMatchInlineSnapshot(`
      "OK
      127.0.0.1:2379, b71f75320dc06a6c, 3.5.21, 25 kB, true, false, 1, 2, 2, 
      [{"Endpoint":"127.0.0.1:2379","Status":{"header":{"cluster_id":463090138629053241,"member_id":13195394291058371180,"revision":2,"raft_term":1},"version":"3.5.21","dbSize":24576,"leader":13195394291058371180,"raftIndex":2,"raftTerm":1,"raftAppliedIndex":2,"dbSizeInUse":20525}}]
      +------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
      |        ENDPOINT        |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |
      +------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
      | http://127.0.0.1:32379 |  628170c800dbcee |  3.5.21 |   25 kB |     false |      false |         1 |          2 |                  2 |        |
      | http://127.0.0.1:22379 | 9e737febb6b99eee |  3.5.21 |   20 kB |     false |      false |         1 |          1 |                  1 |        |
      |  http://127.0.0.1:2379 | b71f75320dc06a6c |  3.5.21 |   25 kB |      true |      false |         1 |          2 |                  2 |        |
      +------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
      "ClusterID" : 463090138629053241
      "MemberID" : 11417610130673999598
      "Revision" : 1
      "RaftTerm" : 1
      "Version" : "3.5.21"
      "DBSize" : 20480
      "Leader" : 13195394291058371180
      "IsLearner" : false
      "RaftIndex" : 1
      "RaftTerm" : 1
      "RaftAppliedIndex" : 1
      "Errors" : []
      "Endpoint" : "127.0.0.1:22379"

      127.0.0.1:2379 is healthy: successfully committed proposal: took = 10.238ms
      127.0.0.1:22379 is healthy: successfully committed proposal: took = 20.242ms
      +------------------------+--------+----------+-------+
      |        ENDPOINT        | HEALTH |   TOOK   | ERROR |
      +------------------------+--------+----------+-------+
      | http://127.0.0.1:32379 |   true | 17.582ms |       |
      | http://127.0.0.1:22379 |   true |   21.8ms |       |
      |  http://127.0.0.1:2379 |   true | 12.978ms |       |
      +------------------------+--------+----------+-------+
      [{"endpoint":"127.0.0.1:2379","health":true,"took":"11.067ms"}]
      http://127.0.0.1:22379, 9e737febb6b99eee, 3.5.21, 25 kB, false, false, 1, 2, 2, 
      http://127.0.0.1:2379, b71f75320dc06a6c, 3.5.21, 25 kB, true, false, 1, 2, 2, 
      http://127.0.0.1:22379 is healthy: successfully committed proposal: took = 15.024ms
      http://127.0.0.1:2379 is healthy: successfully committed proposal: took = 13.426ms
      "
    `);
  });

  it("moves the leader from the leader's endpoint only", async () => {
    const result = await shell([
      `move-leader ${N2} --endpoints=127.0.0.1:22379`,
      "move-leader 1234",
      `move-leader ${N2}`,
      ":leader",
      `move-leader ${N3} --endpoints=127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379 -w json`,
      ":leader",
      "endpoint status --cluster",
    ]);
    expect(result.stderr).toMatchInlineSnapshot(`
      "Error: no leader endpoint given at [127.0.0.1:22379]
      Error: etcdserver: bad leader transferee
      "
    `);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Leadership transferred from b71f75320dc06a6c to 9e737febb6b99eee
      n2
      {"header":{"cluster_id":463090138629053241,"member_id":13195394291058371180,"revision":1,"raft_term":3}}
      n3
      http://127.0.0.1:32379, 628170c800dbcee, 3.5.21, 20 kB, true, false, 3, 1, 1, 
      http://127.0.0.1:22379, 9e737febb6b99eee, 3.5.21, 20 kB, false, false, 3, 2, 2, 
      http://127.0.0.1:2379, b71f75320dc06a6c, 3.5.21, 20 kB, false, false, 3, 2, 2, 
      "
    `);
  });

  it("shrinks the database with compaction and defrag, per member", async () => {
    const value = "x".repeat(2000);
    const puts = Array.from({ length: 40 }, (_, index) => `put k${index % 4} ${value}`);
    const result = await shell([...puts, "endpoint status --cluster -w table", "compaction 41 --physical", ":advance 1s", "defrag", "endpoint status --cluster -w table", "defrag --cluster", "endpoint status --cluster -w table", ":crash n3", "defrag --cluster"]);
    expect(result.stderr).toMatchInlineSnapshot(`
      "Failed to defragment etcd member[http://127.0.0.1:32379] (context deadline exceeded)
      "
    `);
    expect(result.stdout.split("\n").slice(40).join("\n")).toMatchInlineSnapshot(`
      "+------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
      |        ENDPOINT        |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |
      +------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
      | http://127.0.0.1:32379 |  628170c800dbcee |  3.5.21 |  102 kB |     false |      false |         1 |         41 |                 41 |        |
      | http://127.0.0.1:22379 | 9e737febb6b99eee |  3.5.21 |  102 kB |     false |      false |         1 |         41 |                 41 |        |
      |  http://127.0.0.1:2379 | b71f75320dc06a6c |  3.5.21 |  102 kB |      true |      false |         1 |         41 |                 41 |        |
      +------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
      compacted revision 41
      Finished defragmenting etcd member[127.0.0.1:2379]
      +------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
      |        ENDPOINT        |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |
      +------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
      | http://127.0.0.1:32379 |  628170c800dbcee |  3.5.21 |  102 kB |     false |      false |         1 |         42 |                 42 |        |
      | http://127.0.0.1:22379 | 9e737febb6b99eee |  3.5.21 |  102 kB |     false |      false |         1 |         42 |                 42 |        |
      |  http://127.0.0.1:2379 | b71f75320dc06a6c |  3.5.21 |   29 kB |      true |      false |         1 |         42 |                 42 |        |
      +------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
      Finished defragmenting etcd member[http://127.0.0.1:32379]
      Finished defragmenting etcd member[http://127.0.0.1:22379]
      Finished defragmenting etcd member[http://127.0.0.1:2379]
      +------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
      |        ENDPOINT        |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |
      +------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
      | http://127.0.0.1:32379 |  628170c800dbcee |  3.5.21 |   29 kB |     false |      false |         1 |         42 |                 42 |        |
      | http://127.0.0.1:22379 | 9e737febb6b99eee |  3.5.21 |   29 kB |     false |      false |         1 |         42 |                 42 |        |
      |  http://127.0.0.1:2379 | b71f75320dc06a6c |  3.5.21 |   29 kB |      true |      false |         1 |         42 |                 42 |        |
      +------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
      Finished defragmenting etcd member[http://127.0.0.1:22379]
      Finished defragmenting etcd member[http://127.0.0.1:2379]
      "
    `);
  });
});

describe("snapshots and the kubelet", () => {
  it("saves a snapshot, shows its status, restores it and refuses what etcdutl refuses", async () => {
    const result = await shell([
      "put a 1",
      "put b 2",
      "snapshot save /root/backup.db",
      "snapshot save backup.db --endpoints=127.0.0.1:2379,127.0.0.1:22379",
      "snapshot status backup.db",
      "snapshot status /root/backup.db -w table",
      "snapshot status backup.db -w json",
      "snapshot status nothing.db",
      "snapshot restore backup.db --data-dir /var/lib/etcd",
      "snapshot restore nothing.db --data-dir /var/lib/etcd-from-backup",
      "snapshot restore backup.db --data-dir /var/lib/etcd-from-backup",
      "snapshot restore backup.db --data-dir /var/lib/etcd-from-backup",
    ]);
    expect(result.stderr).toMatchInlineSnapshot(`
      "Error: snapshot must be requested to one selected node, not multiple [127.0.0.1:2379 127.0.0.1:22379]
      Deprecated: Use \`etcdutl snapshot status\` instead.

      Deprecated: Use \`etcdutl snapshot status\` instead.

      Deprecated: Use \`etcdutl snapshot status\` instead.

      Deprecated: Use \`etcdutl snapshot status\` instead.

      Error: stat nothing.db: no such file or directory
      Deprecated: Use \`etcdutl snapshot restore\` instead.

      Error: data-dir "/var/lib/etcd" not empty or could not be read
      Deprecated: Use \`etcdutl snapshot restore\` instead.

      Error: open nothing.db: no such file or directory
      Deprecated: Use \`etcdutl snapshot restore\` instead.

      2024-01-01T00:00:01Z	info	snapshot/v3_snapshot.go:248	restoring snapshot	{"path": "backup.db", "wal-dir": "/var/lib/etcd-from-backup/member/wal", "data-dir": "/var/lib/etcd-from-backup", "snap-dir": "/var/lib/etcd-from-backup/member/snap"}
      2024-01-01T00:00:01Z	info	membership/store.go:141	Trimming membership information from the backend...
      2024-01-01T00:00:01Z	info	membership/cluster.go:421	added member	{"cluster-id": "cdf818194e3a8c32", "local-member-id": "0", "added-peer-id": "8e9e05c52164694d", "added-peer-peer-urls": ["http://localhost:2380"]}
      2024-01-01T00:00:01Z	info	snapshot/v3_snapshot.go:269	restored snapshot	{"path": "backup.db", "wal-dir": "/var/lib/etcd-from-backup/member/wal", "data-dir": "/var/lib/etcd-from-backup", "snap-dir": "/var/lib/etcd-from-backup/member/snap"}
      Deprecated: Use \`etcdutl snapshot restore\` instead.

      Error: data-dir "/var/lib/etcd-from-backup" not empty or could not be read
      "
    `);
    expect(result.stdout).toMatchInlineSnapshot(`
      "OK
      OK
      Snapshot saved at /root/backup.db
      8df433bf, 3, 12, 25 kB
      +----------+----------+------------+------------+
      |   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |
      +----------+----------+------------+------------+
      | 8df433bf |        3 |         12 |      25 kB |
      +----------+----------+------------+------------+
      {"hash":2381591487,"revision":3,"totalKey":12,"totalSize":24576}
      "
    `);
  });

  it("restarts etcd from a restored data dir as a new cluster, and from the old one, untouched, again", async () => {
    const result = await shell([
      "put a 1",
      "snapshot save snap.db",
      "put b 2",
      "snapshot restore snap.db --data-dir /var/lib/etcd-from-backup",
      ":manifest data-dir /var/lib/etcd-from-backup",
      "get --prefix \"\" -w json",
      "member list",
      "endpoint status --cluster",
      ":manifest data-dir /var/lib/etcd",
      "get --prefix \"\"",
      "member list",
      ":manifest data-dir /var/lib/nothing",
      ":manifest data-dir /var/lib/etcd",
    ]);
    expect(result.stderr).toMatchInlineSnapshot(`
      "Deprecated: Use \`etcdutl snapshot restore\` instead.

      2024-01-01T00:00:01Z	info	snapshot/v3_snapshot.go:248	restoring snapshot	{"path": "snap.db", "wal-dir": "/var/lib/etcd-from-backup/member/wal", "data-dir": "/var/lib/etcd-from-backup", "snap-dir": "/var/lib/etcd-from-backup/member/snap"}
      2024-01-01T00:00:01Z	info	membership/store.go:141	Trimming membership information from the backend...
      2024-01-01T00:00:01Z	info	membership/cluster.go:421	added member	{"cluster-id": "cdf818194e3a8c32", "local-member-id": "0", "added-peer-id": "8e9e05c52164694d", "added-peer-peer-urls": ["http://localhost:2380"]}
      2024-01-01T00:00:01Z	info	snapshot/v3_snapshot.go:269	restored snapshot	{"path": "snap.db", "wal-dir": "/var/lib/etcd-from-backup/member/wal", "data-dir": "/var/lib/etcd-from-backup", "snap-dir": "/var/lib/etcd-from-backup/member/snap"}
      etcdlab shell: /var/lib/nothing holds no etcd data directory (member/snap/db and member/wal); restore a snapshot into it first
      etcdlab shell: the manifest already uses /var/lib/etcd
      "
    `);
    expect(result.stdout).toMatchInlineSnapshot(`
      "OK
      Snapshot saved at snap.db
      OK
      --- /etc/kubernetes/manifests/etcd.yaml
      +++ /etc/kubernetes/manifests/etcd.yaml
      -    - --data-dir=/var/lib/etcd
      +    - --data-dir=/var/lib/etcd-from-backup
      -    - mountPath: /var/lib/etcd
      +    - mountPath: /var/lib/etcd-from-backup
      -      path: /var/lib/etcd
      +      path: /var/lib/etcd-from-backup
      kubelet: restarted etcd from /var/lib/etcd-from-backup: cluster cdf818194e3a8c32, members default=8e9e05c52164694d, leader default
      {"header":{"cluster_id":14841639068965178418,"member_id":10276657743932975437,"revision":2,"raft_term":2},"kvs":[{"key":"YQ==","create_revision":2,"mod_revision":2,"version":1,"value":"MQ=="}],"count":1}
      8e9e05c52164694d, started, default, http://localhost:2380, http://127.0.0.1:2379, false
      http://127.0.0.1:2379, 8e9e05c52164694d, 3.5.21, 25 kB, true, false, 2, 2, 2, 
      --- /etc/kubernetes/manifests/etcd.yaml
      +++ /etc/kubernetes/manifests/etcd.yaml
      -    - --data-dir=/var/lib/etcd-from-backup
      +    - --data-dir=/var/lib/etcd
      -    - mountPath: /var/lib/etcd-from-backup
      +    - mountPath: /var/lib/etcd
      -      path: /var/lib/etcd-from-backup
      +      path: /var/lib/etcd
      kubelet: restarted etcd from /var/lib/etcd: cluster 66d3a070bf89b39, members n3=628170c800dbcee,n2=9e737febb6b99eee,n1=b71f75320dc06a6c, leader n1
      a
      1
      b
      2
      628170c800dbcee, started, n3, http://127.0.0.1:32380, http://127.0.0.1:32379, false
      9e737febb6b99eee, started, n2, http://127.0.0.1:22380, http://127.0.0.1:22379, false
      b71f75320dc06a6c, started, n1, http://127.0.0.1:2380, http://127.0.0.1:2379, false
      "
    `);
  });

  it("writes kubeadm's manifest at start", async () => {
    const result = await shell([":manifest"]);
    expect(result.stdout).toMatchInlineSnapshot(`
      "apiVersion: v1
      kind: Pod
      metadata:
        annotations:
          kubeadm.kubernetes.io/etcd.advertise-client-urls: http://127.0.0.1:2379
        creationTimestamp: null
        labels:
          component: etcd
          tier: control-plane
        name: etcd
        namespace: kube-system
      spec:
        containers:
        - command:
          - etcd
          - --advertise-client-urls=http://127.0.0.1:2379
          - --cert-file=/etc/kubernetes/pki/etcd/server.crt
          - --client-cert-auth=true
          - --data-dir=/var/lib/etcd
          - --experimental-initial-corrupt-check=true
          - --experimental-watch-progress-notify-interval=5s
          - --initial-advertise-peer-urls=http://127.0.0.1:2380
          - --initial-cluster=n3=http://127.0.0.1:32380,n2=http://127.0.0.1:22380,n1=http://127.0.0.1:2380
          - --key-file=/etc/kubernetes/pki/etcd/server.key
          - --listen-client-urls=http://127.0.0.1:2379
          - --listen-metrics-urls=http://127.0.0.1:2381
          - --listen-peer-urls=http://127.0.0.1:2380
          - --name=n1
          - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
          - --peer-client-cert-auth=true
          - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
          - --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
          - --snapshot-count=10000
          - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
          image: registry.k8s.io/etcd:3.5.21-0
          imagePullPolicy: IfNotPresent
          name: etcd
          resources:
            requests:
              cpu: 100m
              memory: 100Mi
          volumeMounts:
          - mountPath: /var/lib/etcd
            name: etcd-data
          - mountPath: /etc/kubernetes/pki/etcd
            name: etcd-certs
        hostNetwork: true
        priority: 2000001000
        priorityClassName: system-node-critical
        securityContext:
          seccompProfile:
            type: RuntimeDefault
        volumes:
        - hostPath:
            path: /etc/kubernetes/pki/etcd
            type: DirectoryOrCreate
          name: etcd-certs
        - hostPath:
            path: /var/lib/etcd
            type: DirectoryOrCreate
          name: etcd-data
      status: {}
      "
    `);
  });
});

describe(":metrics", () => {
  it("counts proposals, leader changes and fsyncs as the cluster works", async () => {
    const pick = (text: string, name: string): string[] => text.split("\n").filter((line) => line.startsWith(`${name} `));
    const names = ["etcd_server_has_leader", "etcd_server_leader_changes_seen_total", "etcd_server_proposals_committed_total", "etcd_server_proposals_applied_total", "etcd_server_proposals_failed_total", "etcd_disk_wal_fsync_duration_seconds_count"];
    const result = await shell([":metrics n2", "put a 1", "put b 2", `move-leader ${N2}`, ":metrics n2", ":crash n1", ":crash n3", "put c 3 --endpoints=127.0.0.1:22379 --command-timeout=10s", ":metrics n2", ":metrics n1"]);
    const parts = result.stdout.split("# HELP etcd_disk_backend_commit_duration_seconds");
    expect(parts).toHaveLength(4);
    expect(names.flatMap((name) => pick(result.stdout, name))).toMatchInlineSnapshot(`
      [
        "etcd_server_has_leader 0",
        "etcd_server_has_leader 1",
        "etcd_server_has_leader 0",
        "etcd_server_leader_changes_seen_total 0",
        "etcd_server_leader_changes_seen_total 2",
        "etcd_server_leader_changes_seen_total 2",
        "etcd_server_proposals_committed_total 0",
        "etcd_server_proposals_committed_total 3",
        "etcd_server_proposals_committed_total 3",
        "etcd_server_proposals_applied_total 0",
        "etcd_server_proposals_applied_total 3",
        "etcd_server_proposals_applied_total 3",
        "etcd_server_proposals_failed_total 0",
        "etcd_server_proposals_failed_total 0",
        "etcd_server_proposals_failed_total 1",
        "etcd_disk_wal_fsync_duration_seconds_count 1",
        "etcd_disk_wal_fsync_duration_seconds_count 5",
        "etcd_disk_wal_fsync_duration_seconds_count 7",
      ]
    `);
    expect(result.stderr).toMatchInlineSnapshot(`
      "Error: etcdserver: request timed out
      etcdlab shell: no etcd runs on 'n1' (crashed)
      "
    `);
  });
});
