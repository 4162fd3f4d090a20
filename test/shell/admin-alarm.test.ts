/** endpoint status and health with an active NOSPACE alarm (a cluster with a small quota). */
import { expect, it } from "vitest";
import { DEFAULT_SETTINGS, EtcdCluster, summarizeMessage } from "../../src/etcd/cluster.js";
import { ShellSession } from "../../src/shell/session.js";
import { World } from "../../src/sim/world.js";

// Every member whose apply ran out of space raises its own NOSPACE alarm, as in etcd.
it("lists the NOSPACE alarm in ERRORS and reports the endpoint unhealthy", () => {
  const world = new World({ seed: 1, summarize: summarizeMessage });
  const cluster = new EtcdCluster(world, { members: 3, settings: DEFAULT_SETTINGS, bugs: [], observe: true, server: { quotaBackendBytes: 64 * 1024 } });
  world.runFor(30_000_000, () => cluster.leader() !== undefined);
  const session = new ShellSession({ members: 3, seed: 1, existing: { world, cluster } });
  const value = "v".repeat(8000);
  let refused = "";
  for (let index = 0; index < 20 && refused === ""; index++) refused = session.execute(`put k${index} ${value}`).stderr;
  expect(refused).toBe("Error: etcdserver: mvcc: database space exceeded\n");
  session.execute(":advance 1s");
  const status = session.execute("endpoint status");
  expect(status.stdout).toMatch(/^127\.0\.0\.1:2379, b71f75320dc06a6c, 3\.5\.21, \d+ kB, true, false, 1, 10, 10, (memberID:\d+ alarm:NOSPACE , ){2}memberID:\d+ alarm:NOSPACE \n$/);
  const health = session.execute("endpoint health");
  expect(health.stdout).toBe("");
  expect(health.stderr).toBe("127.0.0.1:2379 is unhealthy: failed to commit proposal: Active Alarm(s): NOSPACE NOSPACE NOSPACE \nError: unhealthy cluster\n");
  session.execute("alarm disarm");
  expect(session.execute("endpoint health").stdout).toMatch(/^127\.0\.0\.1:2379 is healthy: successfully committed proposal: took = [\d.]+ms\n$/);
});
