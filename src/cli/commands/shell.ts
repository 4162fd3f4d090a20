/**
 * `etcdlab shell [--members N] [--seed N] [--secure] [-w FORMAT]`: etcdctl against a simulated cluster.
 *
 * The shell builds a world and an etcd cluster (default settings), runs it until a leader exists,
 * then reads its input (piped: one command per line, no prompt). A line is either
 * - an etcdctl command line, with or without a leading `etcdctl` (global flags allowed): the KV
 *   commands (put, get, del, txn, compaction) go through the client actor `c1` to the member of
 *   `--endpoints` (`127.0.0.1:2379` is n1, `127.0.0.1:22379` n2, `127.0.0.1:32379` n3, or a member
 *   name; default the first member); the world runs until the answer or `--command-timeout`
 *   (default 5s of virtual time), and the shell prints exactly what etcdctl prints. `txn` reads its
 *   sections from the following lines, as etcdctl reads them from stdin. The lease commands (grant,
 *   revoke, timetolive [--keys], list, keep-alive [--once]) and alarm list/disarm go the same way as
 *   lease and maintenance requests (`callServer`); `lease keep-alive` without `--once` runs in the
 *   background like a watch (src/shell/keepalive-commands.ts), printing each renewal as it comes,
 *   until the lease ends or `:unwatch`. Commands the simulated cluster does not serve yet print one
 *   error line;
 * - a lab command: `:crash N`, `:restart N`, `:pause N`, `:resume N`, `:partition A B | C`
 *   (or a YAML flow partition shape such as `{isolate: n1}`), `:heal`, `:slow-disk N FACTOR`,
 *   `:drift N RATE`, `:advance DURATION`, `:leader`, `:status`, `:echo TEXT`.
 *
 * Cluster administration (src/shell/admin-commands.ts, src/shell/lab-admin.ts): members have
 * etcd's IDs (derived from their peer URLs, as etcd does) and every response header carries the
 * answering member's cluster_id, member_id and raft_term. `member list|add|remove|promote|update`
 * go through Raft configuration changes with etcd's checks and errors; `member add NAME
 * --peer-urls=URL [--learner]` leaves the member unstarted until `:start NAME` starts it (it joins
 * and catches up). `endpoint status|health [--cluster]`, `move-leader ID`, `defrag [--cluster]`,
 * `compaction REV [--physical]`, `snapshot save FILE`, `snapshot status FILE` and `snapshot restore
 * FILE --data-dir DIR [--name --initial-cluster --initial-cluster-token
 * --initial-advertise-peer-urls]` work on the cluster's in-memory host files (relative paths are
 * under /root). `:metrics NODE` prints the member's Prometheus metrics. `:manifest` prints the
 * kubeadm static pod manifest /etc/kubernetes/manifests/etcd.yaml; `:manifest data-dir DIR`
 * points it at DIR (flag, mount and hostPath), prints the diff, and the simulated kubelet restarts
 * etcd on n1 from DIR: a restored directory starts a new one-member cluster (new IDs, the
 * snapshot's keys and revision) while the other members stop; pointing it back at /var/lib/etcd
 * starts the old cluster again, its data untouched.
 *
 * Watches (src/shell/watch-commands.ts): `watch KEY [RANGE_END] [--prefix] [--rev N] [--prev-kv]
 * [--progress-notify]` runs in the background of the script: the line returns once the watch is
 * created, and its events print when they reach the client, between the following lines' output,
 * in the line's -w format; `:watches` lists the running watches, `:unwatch [ID]` ends one (or
 * all). Auth (src/shell/auth-commands.ts): `user ...`, `role ...`, `auth enable|disable|status`
 * go through Raft; `--user name:password` (or `--user name --password pw`) authenticates the line
 * and its requests carry the token. `--secure` starts a secure cluster (src/etcd/pki.ts): kubeadm's
 * etcd PKI under /etc/kubernetes/pki, https client URLs, and a line needs `--cacert
 * /etc/kubernetes/pki/etcd/ca.crt --cert ... --key ...` (or ETCDCTL_CACERT, ETCDCTL_CERT,
 * ETCDCTL_KEY) with a client pair the etcd CA signed, or it is refused as etcdctl is refused.
 *
 * Kubernetes (src/shell/kubectl-commands.ts, src/shell/lab-kube.ts): a line starting with `kubectl`
 * (create configmap|deployment, run, get, scale, delete, apply|replace|create -f) goes through a
 * kube-apiserver over the members. The first one, or `:kube` before it, starts a small kubeadm-like
 * control plane and waits (in virtual time) until it is up: `apiserver-1`, two controller-managers
 * `kcm-1` and `kcm-2` leader elected on the Lease kube-system/kube-controller-manager, the
 * `kube-scheduler` and the nodes `node-1` to `node-3` with a kubelet each, so that a deployment gets
 * its ReplicaSet and Pods and the pods run on the nodes. `:kube-status` prints the lease holder,
 * each control-plane actor, the pods of each node and the pods by phase; `:crash kcm-2` (and
 * `:restart`, `:pause`, `:resume`) take its actors too. A script without a kubectl line (or
 * `:kube`) starts none of it. `:write FILE` takes the following lines, up to `EOF`, as a file.
 *
 * On a terminal (stdin and stdout both TTYs) the shell opens the terminal UI in live mode instead
 * (`openLive`): the same session, its trace feeding the UI's Timeline; the world advances while
 * playing (space), live keys crash, restart, pause, isolate and heal the selected member, and the
 * `:` prompt runs the same lines through `ShellSession.execute`.
 *
 * A bad line prints one line on stderr (`etcdlab shell: <problem>`) and the session goes on. Blank
 * lines and lines starting with `#` are skipped. Everything runs in virtual time: the same input
 * and seed give the same output. Exit 0 at the end of the input.
 */
import { flagBoolean, flagInteger, flagString, parseArgs, UsageError } from "../args.js";
import { type Command, EXIT_OK } from "../cli.js";
import { type CommandIo, readLines } from "../io.js";
import { ShellSession } from "../../shell/session.js";

export const command: Command = {
  name: "shell",
  usage: "shell [--members N] [--seed N] [--secure] [-w FORMAT]",
  summary: "run etcdctl commands and lab commands (:crash n1, :partition n1 | n2 n3, ...) against a simulated cluster",
  run: async (argv, io) => runShell(argv, io),
};

const FORMATS = ["simple", "json", "table", "fields"] as const;

async function runShell(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, {
    members: { kind: "integer" },
    seed: { kind: "integer" },
    secure: { kind: "boolean" },
    "write-out": { kind: "string", short: "w" },
  });
  if (args.positionals.length > 0) throw new UsageError(`shell takes no arguments (got '${args.positionals[0]}'); it reads commands from stdin`);
  const members = flagInteger(args, "members") ?? 3;
  if (members < 1 || members > 9) throw new UsageError(`flag '--members' must be between 1 and 9 (got ${members})`);
  const seed = flagInteger(args, "seed") ?? 1;
  if (seed < 0 || seed > 2 ** 32 - 1) throw new UsageError(`flag '--seed' must be between 0 and 4294967295 (got ${seed})`);
  const secure = flagBoolean(args, "secure");
  const format = flagString(args, "write-out");
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`flag '--write-out' must be one of ${FORMATS.join(", ")} (got '${format}')`);
  }

  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(io.env)) if (value !== undefined && name.startsWith("ETCDCTL_")) env[name] = value;
  if (format !== undefined) env["ETCDCTL_WRITE_OUT"] = format;

  if (io.stdinIsTty && io.stdoutIsTty) {
    const { openLive } = await import("../../tui/open.js");
    const { colorsWanted } = await import("./replay.js");
    await openLive({
      title: `etcdlab shell, ${members} members, seed ${seed}`,
      colors: colorsWanted(io.env),
      stdin: io.stdin,
      start: (listener) => new ShellSession({ members, seed, env, listener, secure, controlPlaneOnKubectl: true }),
    });
    return EXIT_OK;
  }

  const session = new ShellSession({ members, seed, env, secure, controlPlaneOnKubectl: true });
  session.runScript(await readLines(io.stdin), io);
  return EXIT_OK;
}


