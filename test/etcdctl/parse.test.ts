import { describe, expect, test } from "vitest";
import { parseCommandLine } from "../../src/etcdctl/index.js";
import { command, expectError, parsed, refused } from "./helpers.js";

// Messages and exit codes from etcd v3.5 etcdctl/ctlv3/command/*.go (cobrautl.ExitBadArgs = 128,
// ExitError = 1, ExitBadFeature = 4), cobra v1.1 (command lookup, suggestions) and pflag (flags).

describe("global flags (ctlv3/ctl.go)", () => {
  test("defaults", () => {
    expect(parsed("get k").global).toEqual({
      endpoints: ["127.0.0.1:2379"],
      writeOut: "simple",
      hex: false,
      dialTimeoutUs: 2_000_000,
      commandTimeoutUs: 5_000_000,
      commandTimeoutSet: false,
      keepAliveTimeUs: 2_000_000,
      keepAliveTimeoutUs: 6_000_000,
      insecureTransport: true,
      insecureSkipTlsVerify: false,
      insecureDiscovery: true,
      debug: false,
    });
  });

  test("every way of giving -w/--write-out", () => {
    for (const line of ["get k -w json", "get k -wjson", "get k -w=json", "get k --write-out json", "get k --write-out=json", "-w json get k", "--write-out=json get k"]) {
      expect(parsed(line).global.writeOut).toBe("json");
    }
    expect(parsed("get k -w table").global.writeOut).toBe("table");
    expect(parsed("get k -w fields").global.writeOut).toBe("fields");
  });

  test("endpoints are comma separated and repeat; timeouts are Go durations", () => {
    const global = parsed("--endpoints=10.0.0.1:2379,10.0.0.2:2379 --endpoints 10.0.0.3:2379 get k --command-timeout 10s --dial-timeout=500ms --hex").global;
    expect(global.endpoints).toEqual(["10.0.0.1:2379", "10.0.0.2:2379", "10.0.0.3:2379"]);
    expect(global.commandTimeoutUs).toBe(10_000_000);
    expect(global.commandTimeoutSet).toBe(true);
    expect(global.dialTimeoutUs).toBe(500_000);
    expect(global.hex).toBe(true);
  });

  test("TLS flags", () => {
    const global = parsed("--cacert ca.pem --cert client.pem --key client-key.pem --insecure-skip-tls-verify get k").global;
    expect([global.cacert, global.cert, global.key, global.insecureSkipTlsVerify]).toEqual(["ca.pem", "client.pem", "client-key.pem", true]);
    expectError(`--cert "" get k`, "empty string is passed to --cert option", 128);
  });

  test("--user with a password, with --password, or with a prompt read from stdin", () => {
    expect(parsed("--user root:secret get k").global.user).toEqual({ name: "root", password: "secret" });
    expect(parsed("--user root --password secret get k").global.user).toEqual({ name: "root", password: "secret" });
    const prompted = parsed("--user root get k", { stdin: "secret\n" });
    expect(prompted.global.user).toEqual({ name: "root", password: "secret" });
    expect(prompted.prompt).toBe("Password: \n");
    expect(prompted.stdinUsed).toBe(7);
    expect(refused("--user root get k")).toEqual({ stdout: "Password: \n", stderr: "Error: EOF\n", exitCode: 1 });
  });

  test("output formats etcdctl does not know, and protobuf, are refused", () => {
    expectError("get k -w yaml", "unsupported output format", 4);
    expectError("get k -w protobuf", "the protobuf output format is not simulated by etcdlab; use -w json", 4);
    expectError("-d example.com get k", "DNS discovery (--discovery-srv) is not simulated by etcdlab; give --endpoints", 4);
  });

  test("version needs no client, so a bad -w does not matter", () => {
    expect(command("version -w yaml")).toEqual({ kind: "version" });
  });

  test("a leading etcdctl, a path to it, and environment assignments", () => {
    expect(command("etcdctl get k").kind).toBe("get");
    expect(command("/usr/local/bin/etcdctl get k").kind).toBe("get");
    expect(command("ETCDCTL_API=3 etcdctl get k").kind).toBe("get");
    expect(parsed("ETCDCTL_ENDPOINTS=10.0.0.9:2379 ETCDCTL_WRITE_OUT=json etcdctl get k").global).toMatchObject({ endpoints: ["10.0.0.9:2379"], writeOut: "json" });
    expect(parsed("get k", { env: { ETCDCTL_COMMAND_TIMEOUT: "1s" } }).global.commandTimeoutUs).toBe(1_000_000);
    expect(parsed("get k", { env: { ETCDCTL_COMMAND_TIMEOUT: "bogus" } }).global.commandTimeoutUs).toBe(5_000_000);
  });

  test("a variable shadowed by its flag, and an unknown ETCDCTL_ variable, are refused", () => {
    expect(refused("ETCDCTL_ENDPOINTS=a:1 etcdctl --endpoints b:2 get k")).toEqual({
      stdout: "",
      stderr: 'conflicting environment variable "ETCDCTL_ENDPOINTS" is shadowed by corresponding command-line flag (either unset environment variable or disable flag)\n',
      exitCode: 1,
    });
    expectError("ETCDCTL_FOO=1 etcdctl get k", "ETCDCTL_FOO is not an etcdctl environment variable that etcdlab knows", 1);
  });

  test("ETCDCTL_API must be empty or 3", () => {
    expectError("ETCDCTL_API=2 etcdctl ls /", "ETCDCTL_API=2 selects etcdctl's v2 commands, which etcdlab does not simulate; use the v3 commands (ETCDCTL_API=3, the default)", 1);
    expect(refused("ETCDCTL_API=4 etcdctl get k")).toEqual({ stdout: "", stderr: "unsupported API version: 4\n", exitCode: 1 });
  });

  test("a line without a command prints nothing", () => {
    expect(refused("")).toEqual({ stdout: "", stderr: "", exitCode: 0 });
    expect(refused("  # only a comment")).toEqual({ stdout: "", stderr: "", exitCode: 0 });
  });

  test("a shell quoting error", () => {
    expect(refused("put k 'v")).toEqual({ stdout: "", stderr: "Error: unexpected EOF while looking for matching `''\n", exitCode: 2 });
  });
});

describe("cobra and pflag errors", () => {
  test("unknown command: cobra's error and usage hint, then etcdctl's own copy (MustStart)", () => {
    expect(refused("foo")).toEqual({
      stdout: "",
      stderr: 'Error: unknown command "foo" for "etcdctl"\nRun \'etcdctl --help\' for usage.\nError: unknown command "foo" for "etcdctl"\n',
      exitCode: 1,
    });
  });

  test("suggestions by edit distance and by prefix, in etcdctl's registration order", () => {
    expect(refused("gett k").stderr).toBe(
      'Error: unknown command "gett" for "etcdctl"\n\nDid you mean this?\n\tget\n\nRun \'etcdctl --help\' for usage.\nError: unknown command "gett" for "etcdctl"\n\nDid you mean this?\n\tget\n\n',
    );
    expect(refused("m list").stderr.split("\n").slice(0, 6)).toEqual(['Error: unknown command "m" for "etcdctl"', "", "Did you mean this?", "\tmove-leader", "\tmember", "\tmake-mirror"]);
  });

  test("commands and subcommands match by unique prefix (cobra.EnablePrefixMatching)", () => {
    expect(command("ver")).toEqual({ kind: "version" });
    expect(command("mem l")).toEqual({ kind: "member-list" });
    expect(command("compact 5")).toEqual({ kind: "compaction", request: { revision: 5, physical: false } });
  });

  test("flag errors", () => {
    expectError("get k --foo", "unknown flag: --foo", 1);
    expectError("get k -x", "unknown shorthand flag: 'x' in -x", 1);
    expectError("get k -wx", "unsupported output format", 4);
    expectError("get k --limit", "flag needs an argument: --limit", 1);
    expectError("get k -w", "flag needs an argument: 'w' in -w", 1);
    expectError("get k --limit abc", 'invalid argument "abc" for "--limit" flag: strconv.ParseInt: parsing "abc": invalid syntax', 1);
    expectError("get k --prefix=maybe", 'invalid argument "maybe" for "--prefix" flag: strconv.ParseBool: parsing "maybe": invalid syntax', 1);
    expectError("get k --command-timeout 5", 'invalid argument "5" for "--command-timeout" flag: time: missing unit in duration "5"', 1);
    expectError("get k ---x", "bad flag syntax: ---x", 1);
    expectError("put k v --prefix", "unknown flag: --prefix", 1);
  });

  test("v2 commands are refused with their v3 equivalent", () => {
    expectError("set foo bar", '"set" is an etcdctl v2 command; in v3 use "etcdctl put KEY VALUE"', 1);
    expectError("ls /", '"ls" is an etcdctl v2 command; in v3 use "etcdctl get --prefix --keys-only PREFIX"', 1);
    expectError("mkdir /dir", '"mkdir" is an etcdctl v2 command; in v3 use "etcdctl put DIR/KEY VALUE" (v3 has no directories, only keys with a common prefix)', 1);
    expectError("rm /a", '"rm" is an etcdctl v2 command; in v3 use "etcdctl del KEY"', 1);
    expectError("rmdir /dir", '"rmdir" is an etcdctl v2 command; in v3 use "etcdctl del --prefix PREFIX"', 1);
    expectError("update /a b", '"update" is an etcdctl v2 command; in v3 use "etcdctl put KEY VALUE"', 1);
    expectError("mk /a b", '"mk" is an etcdctl v2 command; in v3 use "etcdctl put KEY VALUE" (or a txn with create("KEY") = "0" to create only)', 1);
    expectError("cluster-health", '"cluster-health" is an etcdctl v2 command; in v3 use "etcdctl endpoint health --cluster"', 1);
    expectError("backup --data-dir d", '"backup" is an etcdctl v2 command; in v3 use "etcdctl snapshot save FILE"', 1);
  });

  test("commands etcdctl has but etcdlab does not simulate", () => {
    expectError("lock mylock", "lock is not simulated by etcdlab", 4);
    expectError("elect e p", "elect is not simulated by etcdlab", 4);
    expectError("make-mirror 10.0.0.1:2379", "make-mirror is not simulated by etcdlab (it needs a second cluster)", 4);
    expectError("check perf", "check perf and check datascale are not simulated by etcdlab", 4);
    expectError("endpoint hashkv", "endpoint hashkv is not simulated by etcdlab", 4);
    expectError("watch -i", "watch --interactive is not simulated by etcdlab; run one watch command per key", 4);
    expectError("watch k -- echo changed", "watch ... -- <exec-command> is not simulated by etcdlab", 4);
    expectError("defrag --data-dir /var/lib/etcd", "defrag --data-dir (defragmenting the files of a stopped member) is not simulated by etcdlab", 4);
  });

  test("help: the NAME and USAGE sections of etcdctl's usage", () => {
    expect(command("get --help")).toEqual({ kind: "help", commandPath: "get", usage: "etcdctl get [options] <key> [range_end] [flags]", short: "Gets the key or a range of keys" });
    expect(command("help member add")).toEqual({ kind: "help", commandPath: "member add", usage: "etcdctl member add <memberName> [options] [flags]", short: "Adds a member into the cluster" });
    expect(command("etcdctl")).toEqual({ kind: "help", commandPath: "etcdctl", usage: "etcdctl [flags]", short: "A simple command line client for etcd3." });
    expect(command("member")).toEqual({ kind: "help", commandPath: "member", usage: "etcdctl member <subcommand> [flags]", short: "Membership related commands" });
    expect(command("lease -h")).toMatchObject({ kind: "help", commandPath: "lease" });
    expectError("member --bogus", "unknown flag: --bogus", 1);
  });
});

describe("put (put_command.go)", () => {
  test("key and value, and the flags", () => {
    expect(command("put foo bar")).toEqual({ kind: "put", request: { key: "foo", value: "bar", lease: 0, prevKv: false, ignoreValue: false, ignoreLease: false } });
    expect(command("put foo bar --prev-kv --lease=1234abcd")).toEqual({ kind: "put", request: { key: "foo", value: "bar", lease: 0x1234abcd, prevKv: true, ignoreValue: false, ignoreLease: false } });
    expect(command("put foo --ignore-value --ignore-lease")).toEqual({ kind: "put", request: { key: "foo", value: "", lease: 0, prevKv: false, ignoreValue: true, ignoreLease: true } });
    expect(command("put foo -- -value")).toMatchObject({ request: { key: "foo", value: "-value" } });
    expect(command("put 'a key' 'héllo'")).toMatchObject({ request: { key: "a key", value: "h\xc3\xa9llo" } });
  });

  test("a missing value is read from all of stdin", () => {
    const result = parsed("put foo", { stdin: "line one\nline two\n" });
    expect(result.command).toMatchObject({ request: { key: "foo", value: "line one\nline two\n" } });
    expect(result.stdinUsed).toBe(18);
  });

  test("argument errors", () => {
    expectError("put", "put command needs 1 argument and input from stdin or 2 arguments", 128);
    expectError("put foo", "put command needs 1 argument and input from stdin or 2 arguments", 128);
    expectError("put foo bar --ignore-value", "put command needs only 1 argument when 'ignore-value' is set", 128);
    expectError("put foo bar --lease=xyz", 'bad lease ID (strconv.ParseInt: parsing "xyz": invalid syntax), expecting ID in Hex', 128);
  });
});

describe("get (get_command.go)", () => {
  const plain = { limit: 0, revision: 0, sortOrder: "NONE", sortTarget: "KEY", serializable: false, keysOnly: false, countOnly: false, minModRevision: 0, maxModRevision: 0, minCreateRevision: 0, maxCreateRevision: 0 };

  test("a key, a range, a prefix, from a key", () => {
    expect(command("get foo")).toEqual({ kind: "get", printValueOnly: false, request: { key: "foo", rangeEnd: "", ...plain } });
    expect(command("get a c")).toMatchObject({ request: { key: "a", rangeEnd: "c" } });
    expect(command("get /registry/pods/ --prefix")).toMatchObject({ request: { key: "/registry/pods/", rangeEnd: "/registry/pods0" } });
    expect(command("get '' --prefix")).toMatchObject({ request: { key: "\x00", rangeEnd: "\x00" } });
    expect(command("get b --from-key")).toMatchObject({ request: { key: "b", rangeEnd: "\x00" } });
    expect(command("get '' --from-key")).toMatchObject({ request: { key: "\x00", rangeEnd: "\x00" } });
  });

  test("limit, revision, sorting, consistency, keys-only, count-only, value-only", () => {
    expect(command("get foo --limit 10 --rev 5")).toMatchObject({ request: { limit: 10, revision: 5 } });
    expect(command("get foo --rev -3")).toMatchObject({ request: { revision: 0 } });
    expect(command("get foo --prefix --sort-by=MODIFY --order=DESCEND")).toMatchObject({ request: { sortTarget: "MOD", sortOrder: "DESCEND" } });
    expect(command("get foo --sort-by=version")).toMatchObject({ request: { sortTarget: "VERSION", sortOrder: "NONE" } });
    // clientv3 WithSort sends KEY/ASCEND as the natural order, NONE.
    expect(command("get foo --sort-by key --order ascend")).toMatchObject({ request: { sortTarget: "KEY", sortOrder: "NONE" } });
    expect(command("get foo --order DESCEND")).toMatchObject({ request: { sortTarget: "KEY", sortOrder: "DESCEND" } });
    expect(command("get foo --consistency=s")).toMatchObject({ request: { serializable: true } });
    expect(command("get foo --keys-only")).toMatchObject({ request: { keysOnly: true } });
    expect(command("get foo --count-only")).toMatchObject({ request: { countOnly: true } });
    expect(command("get foo --print-value-only")).toMatchObject({ printValueOnly: true });
  });

  test("the mod/create revision filters (an etcdlab extension over the Range API)", () => {
    expect(command("get a --prefix --min-mod-revision 3 --max-mod-revision 9 --min-create-revision 2 --max-create-revision 8")).toMatchObject({
      request: { minModRevision: 3, maxModRevision: 9, minCreateRevision: 2, maxCreateRevision: 8 },
    });
  });

  test("argument errors", () => {
    expectError("get", "get command needs one argument as key and an optional argument as range_end", 128);
    expectError("get a --prefix --from-key", "`--prefix` and `--from-key` cannot be set at the same time, choose one", 128);
    expectError("get a --keys-only --count-only", "`--keys-only` and `--count-only` cannot be set at the same time, choose one", 128);
    expectError("get a --consistency=x", 'unknown consistency flag "x"', 4);
    expectError("get a b --prefix", "too many arguments, only accept one argument when `--prefix` or `--from-key` is set", 128);
    expectError("get a --order=up", "bad sort order up", 4);
    expectError("get a --sort-by=size", "bad sort target size", 4);
  });
});

describe("del (del_command.go)", () => {
  test("a key, a range, a prefix, from a key, with previous pairs", () => {
    expect(command("del foo")).toEqual({ kind: "del", request: { key: "foo", rangeEnd: "", prevKv: false } });
    expect(command("del a c --prev-kv")).toEqual({ kind: "del", request: { key: "a", rangeEnd: "c", prevKv: true } });
    expect(command("del /a/ --prefix")).toEqual({ kind: "del", request: { key: "/a/", rangeEnd: "/a0", prevKv: false } });
    expect(command("del b --from-key")).toEqual({ kind: "del", request: { key: "b", rangeEnd: "\x00", prevKv: false } });
  });

  test("argument errors", () => {
    expectError("del", "del command needs one argument as key and an optional argument as range_end", 128);
    expectError("del a b c", "del command needs one argument as key and an optional argument as range_end", 128);
    expectError("del a --prefix --from-key", "`--prefix` and `--from-key` cannot be set at the same time, choose one", 128);
    expectError("del a b --from-key", "too many arguments, only accept one argument when `--prefix` or `--from-key` is set", 128);
  });
});

describe("compaction and watch", () => {
  test("compaction (compaction_command.go)", () => {
    expect(command("compaction 42 --physical")).toEqual({ kind: "compaction", request: { revision: 42, physical: true } });
    expectError("compaction", "compaction command needs 1 argument", 128);
    expectError("compaction abc", 'strconv.ParseInt: parsing "abc": invalid syntax', 1);
  });

  test("watch (watch_command.go)", () => {
    expect(command("watch foo")).toEqual({ kind: "watch", request: { key: "foo", rangeEnd: "", startRevision: 0, prevKv: false, progressNotify: false } });
    expect(command("watch /a/ --prefix --rev 3 --prev-kv --progress-notify")).toEqual({
      kind: "watch",
      request: { key: "/a/", rangeEnd: "/a0", startRevision: 3, prevKv: true, progressNotify: true },
    });
    expect(command("watch a c")).toMatchObject({ request: { key: "a", rangeEnd: "c" } });
    expectError("watch", "bad number of arguments", 128);
    expectError("watch a c --prefix", "`range_end` and `--prefix` are mutually exclusive", 128);
  });
});

describe("lease (lease_command.go)", () => {
  test("grant, revoke, timetolive, list, keep-alive", () => {
    expect(command("lease grant 60")).toEqual({ kind: "lease-grant", ttlSeconds: 60 });
    expect(command("lease revoke 694d77aa9e382")).toEqual({ kind: "lease-revoke", id: 0x694d77aa9e382 });
    expect(command("lease timetolive 32695410dcc0c --keys")).toEqual({ kind: "lease-timetolive", id: 0x32695410dcc0c, keys: true });
    expect(command("lease list")).toEqual({ kind: "lease-list" });
    expect(command("lease keep-alive --once 1f")).toEqual({ kind: "lease-keep-alive", id: 31, once: true });
  });

  test("argument errors", () => {
    expectError("lease grant", "lease grant command needs TTL argument", 128);
    expectError("lease grant ten", 'bad TTL (strconv.ParseInt: parsing "ten": invalid syntax)', 128);
    expectError("lease revoke", "lease revoke command needs 1 argument", 128);
    expectError("lease revoke xyz", 'bad lease ID arg (strconv.ParseInt: parsing "xyz": invalid syntax), expecting ID in Hex', 128);
    expectError("lease timetolive", "lease timetolive command needs lease ID as argument", 128);
    expectError("lease keep-alive", "lease keep-alive command needs lease ID as argument", 128);
    expectError("lease revoke 7fffffffffffffff", "bad lease ID arg (lease ID 7fffffffffffffff is beyond 2^53, the largest lease ID etcdlab grants), expecting ID in Hex", 128);
  });
});

describe("member (member_command.go)", () => {
  test("list, add, remove, update, promote", () => {
    expect(command("member list")).toEqual({ kind: "member-list" });
    expect(command("member add infra4 --peer-urls=http://10.0.0.4:2380 --learner")).toEqual({ kind: "member-add", name: "infra4", peerURLs: ["http://10.0.0.4:2380"], isLearner: true });
    expect(command("member add infra4 --peer-urls http://a:2380,http://b:2380")).toEqual({ kind: "member-add", name: "infra4", peerURLs: ["http://a:2380", "http://b:2380"], isLearner: false });
    expect(command("member remove 8e9e05c52164694d")).toEqual({ kind: "member-remove", id: 0x8e9e05c52164694dn });
    expect(command("member update 8e9e05c52164694d --peer-urls=http://10.0.0.1:2380")).toEqual({ kind: "member-update", id: 0x8e9e05c52164694dn, peerURLs: ["http://10.0.0.1:2380"] });
    expect(command("member promote 8e9e05c52164694d")).toEqual({ kind: "member-promote", id: 0x8e9e05c52164694dn });
  });

  test("argument errors", () => {
    expectError("member add", "member name not provided", 128);
    expectError("member add infra4 http://10.0.0.4:2380", "too many arguments, did you mean --peer-urls=http://10.0.0.4:2380", 128);
    expectError("member add infra4", "member peer urls not provided", 128);
    expectError("member remove", "member ID is not provided", 128);
    expectError("member remove zz", 'bad member ID arg (strconv.ParseUint: parsing "zz": invalid syntax), expecting ID in Hex', 128);
    expectError("member update 1", "member peer urls not provided", 128);
    expectError("member promote", "member ID is not provided", 128);
  });
});

describe("endpoint, snapshot, defrag, alarm, move-leader, version", () => {
  test("endpoint health/status with or without --cluster (a flag of the endpoint group)", () => {
    expect(command("endpoint health")).toEqual({ kind: "endpoint-health", cluster: false });
    expect(command("endpoint status --cluster -w table")).toEqual({ kind: "endpoint-status", cluster: true });
    expect(command("endpoint --cluster health")).toEqual({ kind: "endpoint-health", cluster: true });
  });

  test("snapshot save, status and restore with etcdutl's defaults", () => {
    expect(command("snapshot save snap.db")).toEqual({ kind: "snapshot-save", path: "snap.db" });
    const status = parsed("snapshot status snap.db -w table");
    expect(status.command).toEqual({ kind: "snapshot-status", path: "snap.db" });
    expect(status.notice).toBe("Deprecated: Use `etcdutl snapshot status` instead.\n\n");
    expect(command("snapshot restore snap.db")).toEqual({
      kind: "snapshot-restore",
      restore: {
        path: "snap.db",
        name: "default",
        dataDir: "default.etcd",
        walDir: "default.etcd/member/wal",
        initialCluster: "default=http://localhost:2380",
        initialClusterToken: "etcd-cluster",
        initialAdvertisePeerURLs: ["http://localhost:2380"],
        skipHashCheck: false,
      },
    });
    expect(
      command(
        "snapshot restore snap.db --name m1 --data-dir /var/lib/etcd-new --initial-cluster m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380 --initial-cluster-token t2 --initial-advertise-peer-urls http://10.0.0.1:2380 --skip-hash-check",
      ),
    ).toEqual({
      kind: "snapshot-restore",
      restore: {
        path: "snap.db",
        name: "m1",
        dataDir: "/var/lib/etcd-new",
        walDir: "/var/lib/etcd-new/member/wal",
        initialCluster: "m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380",
        initialClusterToken: "t2",
        initialAdvertisePeerURLs: ["http://10.0.0.1:2380"],
        skipHashCheck: true,
      },
    });
  });

  test("snapshot argument errors (the deprecation notice comes first)", () => {
    expectError("snapshot save", "snapshot save expects one argument", 128);
    expect(refused("snapshot status")).toEqual({
      stdout: "",
      stderr: "Deprecated: Use `etcdutl snapshot status` instead.\n\nError: snapshot status requires exactly one argument\n",
      exitCode: 128,
    });
    expect(refused("snapshot restore a b").stderr).toBe("Deprecated: Use `etcdutl snapshot restore` instead.\n\nError: snapshot restore requires exactly one argument\n");
  });

  test("defrag, alarm, move-leader, version", () => {
    expect(command("defrag --cluster")).toEqual({ kind: "defrag", cluster: true });
    expect(command("alarm list")).toEqual({ kind: "alarm-list" });
    expect(command("alarm disarm")).toEqual({ kind: "alarm-disarm" });
    expectError("alarm list x", "alarm list command accepts no arguments", 128);
    expectError("alarm disarm x", "alarm disarm command accepts no arguments", 128);
    expect(command("move-leader 8e9e05c52164694d")).toEqual({ kind: "move-leader", targetId: 0x8e9e05c52164694dn });
    expectError("move-leader", "move-leader command needs 1 argument", 128);
    expectError("move-leader nope", 'strconv.ParseUint: parsing "nope": invalid syntax', 128);
    expect(command("version")).toEqual({ kind: "version" });
  });
});

describe("user, role, auth (user_command.go, role_command.go, auth_command.go)", () => {
  test("user add: name:password, --new-user-password, --no-password", () => {
    expect(command("user add root:secret")).toEqual({ kind: "user-add", name: "root", password: "secret", noPassword: false });
    expect(command("user add alice --new-user-password=pw")).toEqual({ kind: "user-add", name: "alice", password: "pw", noPassword: false });
    expect(command("user add bob --no-password")).toEqual({ kind: "user-add", name: "bob", password: "", noPassword: true });
    expectError("user add :pw", "empty user name is not allowed", 128);
    expectError("user add", "user add command requires user name as its argument", 128);
  });

  test("user add asks for the password twice; --interactive=false reads one word", () => {
    const asked = parsed("user add alice", { stdin: "pw\npw\nnext\n" });
    expect(asked.command).toEqual({ kind: "user-add", name: "alice", password: "pw", noPassword: false });
    expect(asked.prompt).toBe("Password of alice: \nType password of alice again for confirmation: \n");
    expect(asked.stdinUsed).toBe(6);
    expect(refused("user add alice", { stdin: "pw\nother\n" })).toEqual({
      stdout: "Password of alice: \nType password of alice again for confirmation: \n",
      stderr: "Error: given passwords are different\n",
      exitCode: 128,
    });
    expect(refused("user add alice", { stdin: "\n" }).stderr).toBe("Error: empty password\n");
    const ended = parseCommandLine("user add alice", { stdin: "pw\n" });
    expect(ended.ok === false && [ended.output.stderr, ended.inputEnded]).toEqual(["Error: failed to ask password: EOF\n", true]);
    expect(command("user add alice --interactive=false", { stdin: "pw extra\n" })).toEqual({ kind: "user-add", name: "alice", password: "pw", noPassword: false });
  });

  test("the other user commands", () => {
    expect(command("user delete alice")).toEqual({ kind: "user-delete", name: "alice" });
    expect(command("user get alice --detail")).toEqual({ kind: "user-get", name: "alice", detail: true });
    expect(command("user list")).toEqual({ kind: "user-list" });
    expect(command("user passwd alice", { stdin: "new\nnew\n" })).toEqual({ kind: "user-passwd", name: "alice", password: "new" });
    expect(command("user grant-role alice reader")).toEqual({ kind: "user-grant-role", user: "alice", role: "reader" });
    expect(command("user revoke-role alice reader")).toEqual({ kind: "user-revoke-role", user: "alice", role: "reader" });
    expectError("user delete", "user delete command requires user name as its argument", 128);
    expectError("user get", "user get command requires user name as its argument", 128);
    expectError("user list x", "user list command requires no arguments", 128);
    expectError("user passwd", "user passwd command requires user name as its argument", 128);
    expectError("user grant-role alice", "user grant command requires user name and role name as its argument", 128);
    expectError("user revoke-role alice", "user revoke-role requires user name and role name as its argument", 128);
  });

  test("role permissions: a key, a range, a prefix, from a key", () => {
    expect(command("role grant-permission reader read /a")).toEqual({ kind: "role-grant-permission", role: "reader", permission: { permType: "READ", key: "/a", rangeEnd: "" } });
    expect(command("role grant-permission reader readwrite /a /b")).toMatchObject({ permission: { permType: "READWRITE", key: "/a", rangeEnd: "/b" } });
    expect(command("role grant-permission reader write /a/ --prefix")).toMatchObject({ permission: { permType: "WRITE", key: "/a/", rangeEnd: "/a0" } });
    expect(command("role grant-permission reader read /a --from-key")).toMatchObject({ permission: { key: "/a", rangeEnd: "\x00" } });
    expect(command("role grant-permission reader read '' --prefix")).toMatchObject({ permission: { key: "\x00", rangeEnd: "\x00" } });
    expect(command("role revoke-permission reader /a/ --prefix")).toEqual({ kind: "role-revoke-permission", role: "reader", key: "/a/", rangeEnd: "/a0", typedKey: "/a/" });
    expectError("role grant-permission reader read", "role grant command requires role name, permission type, and key [endkey] as its argument", 128);
    expectError("role grant-permission reader own /a", "invalid permission type: own", 128);
    expectError("role grant-permission reader read /a --prefix --from-key", "--from-key and --prefix flags are mutually exclusive", 128);
    expectError("role grant-permission reader read /a /b --prefix", "unexpected endkey argument with --prefix flag", 128);
    expectError("role grant-permission reader read /a /b --from-key", "unexpected endkey argument with --from-key flag", 128);
    expectError("role revoke-permission reader", "role revoke-permission command requires role name and key [endkey] as its argument", 128);
  });

  test("the other role commands and auth", () => {
    expect(command("role add reader")).toEqual({ kind: "role-add", name: "reader" });
    expect(command("role delete reader")).toEqual({ kind: "role-delete", name: "reader" });
    expect(command("role get reader")).toEqual({ kind: "role-get", name: "reader" });
    expect(command("role list")).toEqual({ kind: "role-list" });
    expectError("role add", "role add command requires role name as its argument", 128);
    expectError("role list x", "role list command requires no arguments", 128);
    expect(command("auth enable")).toEqual({ kind: "auth-enable" });
    expect(command("auth disable")).toEqual({ kind: "auth-disable" });
    expect(command("auth status")).toEqual({ kind: "auth-status" });
    expectError("auth enable now", "auth enable command does not accept any arguments", 128);
    expectError("auth status x", "auth status command does not accept any arguments", 128);
  });
});
