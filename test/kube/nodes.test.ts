/**
 * The scheduler and kubelets (src/kube/nodes.ts) as `kubectl get pods` shows them: a pod Pending,
 * bound to a node, ContainerCreating, then Running and ready; a deployment scaled by the
 * controller-manager ends with every replica ready (READY n/n, AVAILABLE n).
 */
import { describe, expect, it } from "vitest";
import { KubeEnv } from "../../src/kube/env.js";
import { ShellSession } from "../../src/shell/session.js";

describe("nodes: scheduler and kubelets", () => {
  it("take a pod from Pending through ContainerCreating to Running, second by second", () => {
    const shell = new ShellSession({ members: 3, seed: 1 });
    expect(shell.execute("kubectl run nginx --image=nginx").stdout).toBe("pod/nginx created\n");
    KubeEnv.of(shell.cluster).startNodes(["node-1"]);
    const seen: string[] = [];
    for (let second = 1; second <= 5; second++) {
      shell.execute(":advance 1s");
      seen.push(shell.execute("kubectl get pods -o wide").stdout);
    }
    expect(seen).toEqual([
      "NAME    READY   STATUS    RESTARTS   AGE   IP       NODE     NOMINATED NODE   READINESS GATES\nnginx   0/1     Pending   0          1s    <none>   <none>   <none>           <none>\n",
      "NAME    READY   STATUS    RESTARTS   AGE   IP       NODE     NOMINATED NODE   READINESS GATES\nnginx   0/1     Pending   0          2s    <none>   node-1   <none>           <none>\n",
      "NAME    READY   STATUS              RESTARTS   AGE   IP       NODE     NOMINATED NODE   READINESS GATES\nnginx   0/1     ContainerCreating   0          3s    <none>   node-1   <none>           <none>\n",
      "NAME    READY   STATUS              RESTARTS   AGE   IP       NODE     NOMINATED NODE   READINESS GATES\nnginx   0/1     ContainerCreating   0          4s    <none>   node-1   <none>           <none>\n",
      "NAME    READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\nnginx   1/1     Running   0          5s    10.244.0.2   node-1   <none>           <none>\n",
    ]);
    expect(shell.execute("kubectl get pod nginx -o json").stdout).toContain('"phase": "Running"');
  });

  it("run every replica of a scaled deployment, spread over the nodes", () => {
    const shell = new ShellSession({ members: 3, seed: 1 });
    const env = KubeEnv.of(shell.cluster);
    env.startNodes(["node-1", "node-2"]);
    env.startControllerManager("kcm-1");
    expect(shell.execute("kubectl create deployment web --image=nginx:1.25 --replicas=1").stdout).toBe("deployment.apps/web created\n");
    shell.execute(":advance 15s");
    expect(shell.execute("kubectl scale deployment web --replicas=3").stdout).toBe("deployment.apps/web scaled\n");
    shell.execute(":advance 12s");
    expect(shell.execute("kubectl get deployments").stdout).toBe("NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    3/3     3            3           27s\n");
    const pods = shell.execute("kubectl get pods -o wide").stdout.split("\n").slice(1, -1);
    expect(pods.map((row) => row.split(/\s+/).slice(1, 4).join(" "))).toEqual(["1/1 Running 0", "1/1 Running 0", "1/1 Running 0"]);
    expect(pods.map((row) => row.split(/\s+/)[6]).sort()).toEqual(["node-1", "node-1", "node-2"]);
    expect(shell.execute("kubectl get rs").stdout).toBe("NAME             DESIRED   CURRENT   READY   AGE\nweb-6cfdbd7649   3         3         3       22s\n");
  });
});
