/**
 * `etcdlab lesson` as a user runs it, piped: the list, an unknown name, the transcript of a lesson,
 * the exercise read from stdin, and `etcdlab` alone.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";

async function etcdlab(argv: string[], stdin?: string) {
  const io = memoryIo(stdin === undefined ? {} : { stdin });
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const LIST = [
  "  kubernetes       What Kubernetes keeps in etcd, and where",
  "  quorum           Quorum: why etcd clusters have an odd number of members",
  "  leader-election  Leader election: randomized timers, pre-vote and a majority of votes",
  "  replication      Log replication: append, replicate, commit, apply",
  "  leader-failure   Leader failure: how long a cluster is leaderless, and who takes over",
  "  partitions       Partitions: why a split cluster never has two leaders that both write",
  "  reads            Linearizable and serializable reads",
  "  figure8          Figure 8: why a leader never commits an old entry by counting replicas",
  "  disks            Disks, fsync and election storms",
  "  mvcc             MVCC: revisions and the append-only store",
  "  conflicts        Optimistic concurrency: where Kubernetes' 409 Conflict comes from",
  "  compaction       Compaction, defragmentation and watches",
  "  leases           Leases: keys that disappear when their owner stops renewing",
  "  membership       Membership changes: learners, promotion, removal",
  "  backup-restore   Backup and restore: etcdctl snapshot, a new data directory, the static pod manifest",
];

describe("etcdlab lesson", () => {
  it("--list prints every lesson in order, one line each", async () => {
    const result = await etcdlab(["lesson", "--list"]);
    expect(result).toEqual({ code: 0, stdout: `${LIST.join("\n")}\n`, stderr: "" });
  });

  it("refuses an unknown lesson with one line and the nearest name, exit 2", async () => {
    const result = await etcdlab(["lesson", "leses"]);
    expect(result).toEqual({ code: 2, stdout: "", stderr: "etcdlab: unknown lesson 'leses': did you mean 'leases'? (see 'etcdlab lesson --list')\n" });
    const far = await etcdlab(["lesson", "kubernetes-networking"]);
    expect(far).toEqual({ code: 2, stdout: "", stderr: "etcdlab: unknown lesson 'kubernetes-networking' (see 'etcdlab lesson --list')\n" });
  });

  it("refuses bad flags with exit 2", async () => {
    expect(await etcdlab(["lesson", "quorum", "--sede", "3"])).toEqual({ code: 2, stdout: "", stderr: "etcdlab: unknown flag '--sede': did you mean '--seed'?\n" });
    expect(await etcdlab(["lesson", "--exercise"])).toEqual({ code: 2, stdout: "", stderr: "etcdlab: flag '--exercise' needs a lesson name\n" });
  });

  it("without a name and without a terminal, lists the lessons", async () => {
    const result = await etcdlab(["lesson"]);
    expect(result).toEqual({ code: 0, stdout: `Lessons (etcdlab lesson NAME):\n${LIST.join("\n")}\n`, stderr: "" });
  });

  it("etcdlab alone, not on a terminal, prints the usage and the lesson list", async () => {
    const result = await etcdlab([]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^etcdlab \S+: a deterministic laboratory for etcd\n\nUsage:\n/);
    expect(result.stdout).toContain("  etcdlab lesson [NAME] [--seed N] [--exercise] [--list]\n");
    expect(result.stdout.endsWith(`\nLessons (etcdlab lesson NAME):\n${LIST.join("\n")}\n`)).toBe(true);
  });

  it("--exercise reads lines, prints their output, and succeeds as soon as the check passes", async () => {
    const result = await etcdlab(["lesson", "quorum", "--exercise"], ":crash n2\n:leader\n:crash n3\n:crash n4\n:leader\n:advance 3s\n:status\n");
    expect(result).toEqual({
      code: 0,
      stdout: [
        "Exercise: You have a five-member cluster. Make it lose quorum: crash members until no leader remains (':crash NODE', ':leader' to see who leads, ':advance 3s' to let time pass). How many crashes did it take?",
        "n5",
        "n5",
        "✔ Quorum lost: a five-member cluster survives two failures, not three.",
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("--exercise exits 1 when the input ends before the check passes", async () => {
    const result = await etcdlab(["lesson", "leases", "--exercise"], "lease grant 2\nbogus\n");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      "Exercise: Make the key lock disappear without deleting it: grant a short lease, attach lock to it, check with 'lease timetolive ID --keys' that lock is attached, and let time pass until the lease expires.\nlease 000114697da81929 granted with TTL(2s)\n",
    );
    expect(result.stderr).toBe(
      'Error: unknown command "bogus" for "etcdctl"\nRun \'etcdctl --help\' for usage.\nError: unknown command "bogus" for "etcdctl"\netcdlab: exercise not solved: the input ended before the goal was reached (Make the key lock disappear without deleting it: grant a short lease, attach lock to it, check with \'lease timetolive ID --keys\' that lock is attached, and let time pass until the lease expires.)\n',
    );
  });
});
