/**
 * The shell's Kubernetes control plane (src/shell/lab-kube.ts): `etcdlab shell` starts it with the
 * first kubectl line (or `:kube`), and a deployment then gets its ReplicaSet and Pods, running on
 * the nodes, as a small kubeadm cluster shows them; `:kube-status`, failover of the
 * controller-manager lease, the garbage collector, and a script without kubectl left as it was.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { memoryIo } from "../../src/cli/io.js";
import { KubeEnv } from "../../src/kube/env.js";
import { ShellSession } from "../../src/shell/session.js";

async function shell(lines: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo({ stdin: `${lines.join("\n")}\n` });
  const code = await runCli(["shell"], io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** Each line after `$ `, then what it printed (stderr lines marked `! `). */
function transcript(session: ShellSession, lines: readonly string[]): string {
  let out = "";
  for (const line of lines) {
    const { stdout, stderr } = session.execute(line);
    out += `$ ${line}\n${stdout}${stderr.replace(/^(?=.)/gm, "! ")}`;
  }
  return out;
}

function session(): ShellSession {
  return new ShellSession({ members: 3, seed: 1, controlPlaneOnKubectl: true });
}

describe("the shell's control plane", () => {
  it("runs a deployment's pods on the nodes and scales them, as kubectl on a kubeadm cluster shows", async () => {
    const result = await shell([
      "kubectl create deployment web --image=nginx --replicas=2",
      ":advance 10s",
      "kubectl get deployments",
      "kubectl get replicasets",
      "kubectl get pods -o wide",
      "kubectl scale deployment web --replicas=4",
      ":advance 10s",
      "kubectl get deployments",
      "kubectl get pods -o wide",
      "etcdctl get /registry --prefix --keys-only",
      "kubectl get leases -n kube-system",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "deployment.apps/web created",
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE",
        "web    2/2     2            2           10s",
        "NAME             DESIRED   CURRENT   READY   AGE",
        "web-6c779ff75f   2         2         2       10s",
        "NAME                   READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES",
        "web-6c779ff75f-8vzpc   1/1     Running   0          9s    10.244.0.2   node-1   <none>           <none>",
        "web-6c779ff75f-src98   1/1     Running   0          9s    10.244.1.2   node-2   <none>           <none>",
        "deployment.apps/web scaled",
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE",
        "web    4/4     4            4           20s",
        "NAME                   READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES",
        "web-6c779ff75f-8vzpc   1/1     Running   0          19s   10.244.0.2   node-1   <none>           <none>",
        "web-6c779ff75f-nqn6l   1/1     Running   0          8s    10.244.2.2   node-3   <none>           <none>",
        "web-6c779ff75f-r8sfr   1/1     Running   0          8s    10.244.0.3   node-1   <none>           <none>",
        "web-6c779ff75f-src98   1/1     Running   0          19s   10.244.1.2   node-2   <none>           <none>",
        "/registry/deployments/default/web",
        "",
        "/registry/leases/kube-system/kube-controller-manager",
        "",
        "/registry/pods/default/web-6c779ff75f-8vzpc",
        "",
        "/registry/pods/default/web-6c779ff75f-nqn6l",
        "",
        "/registry/pods/default/web-6c779ff75f-r8sfr",
        "",
        "/registry/pods/default/web-6c779ff75f-src98",
        "",
        "/registry/replicasets/default/web-6c779ff75f",
        "",
        "NAME                      HOLDER   AGE",
        "kube-controller-manager   kcm-2    20s",
        "",
      ].join("\n"),
    );
  });

  it("starts with :kube where kubectl lines do not start it, says who got the lease, and refuses a second start", () => {
    const shell = new ShellSession({ members: 3, seed: 1 });
    expect(transcript(shell, [":kube-status", ":kube extra", ":kube", ":kube", ":kube-status", ":crash node-9"])).toBe(
      [
        "$ :kube-status",
        "! etcdlab shell: the control plane is not running (a kubectl line or :kube starts it)",
        "$ :kube extra",
        "! etcdlab shell: usage: :kube",
        "$ :kube",
        "kube-apiserver: apiserver-1 (etcd endpoints n1, n2, n3)",
        "kube-controller-manager: kcm-1, kcm-2 (kcm-2 got lease kube-system/kube-controller-manager after 2.6s)",
        "kube-scheduler: kube-scheduler",
        "nodes: node-1, node-2, node-3 (a kubelet each)",
        "$ :kube",
        "! etcdlab shell: the control plane is already running (:kube-status shows it)",
        "$ :kube-status",
        "lease kube-system/kube-controller-manager: held by kcm-2, renewed 0s ago, 0 transitions",
        "apiserver-1: up",
        "kcm-1: up, waiting for the lease",
        "kcm-2: up, leading",
        "kube-scheduler: up",
        "node-1: kubelet up, 0 pods",
        "node-2: kubelet up, 0 pods",
        "node-3: kubelet up, 0 pods",
        "pods: none",
        "$ :crash node-9",
        "! etcdlab shell: unknown node 'node-9' (members: n1, n2, n3; control plane: apiserver-1, kcm-1, kcm-2, kube-scheduler, node-1, node-2, node-3)",
        "",
      ].join("\n"),
    );
  });

  it("hands the lease to kcm-1 once kcm-2 crashed and its lease expired; kcm-1 then runs the controllers", () => {
    const shell = session();
    shell.execute("kubectl create deployment web --image=nginx --replicas=1");
    shell.execute(":advance 10s");
    expect(transcript(shell, [":crash kcm-2", "kubectl scale deployment web --replicas=2", ":advance 10s", ":kube-status", ":advance 10s", ":kube-status", "kubectl get leases -n kube-system", ":advance 5s", "kubectl get deployments", "kubectl get pods -o wide"])).toBe(
      [
        "$ :crash kcm-2",
        "$ kubectl scale deployment web --replicas=2",
        "deployment.apps/web scaled",
        "$ :advance 10s",
        "$ :kube-status",
        "lease kube-system/kube-controller-manager: held by kcm-2, renewed 12s ago, 0 transitions",
        "apiserver-1: up",
        "kcm-1: up, waiting for the lease",
        "kcm-2: crashed",
        "kube-scheduler: up",
        "node-1: kubelet up, 1 pod",
        "node-2: kubelet up, 0 pods",
        "node-3: kubelet up, 0 pods",
        "pods: 1 Running",
        "$ :advance 10s",
        "$ :kube-status",
        "lease kube-system/kube-controller-manager: held by kcm-1, renewed 1s ago, 1 transition",
        "apiserver-1: up",
        "kcm-1: up, leading",
        "kcm-2: crashed",
        "kube-scheduler: up",
        "node-1: kubelet up, 1 pod",
        "node-2: kubelet up, 0 pods",
        "node-3: kubelet up, 0 pods",
        "pods: 1 Running",
        "$ kubectl get leases -n kube-system",
        "NAME                      HOLDER   AGE",
        "kube-controller-manager   kcm-1    30s",
        "$ :advance 5s",
        "$ kubectl get deployments",
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE",
        "web    2/2     2            2           35s",
        "$ kubectl get pods -o wide",
        "NAME                   READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES",
        "web-6c779ff75f-8vzpc   1/1     Running   0          34s   10.244.0.2   node-1   <none>           <none>",
        "web-6c779ff75f-qtcz4   1/1     Running   0          5s    10.244.1.2   node-2   <none>           <none>",
        "",
      ].join("\n"),
    );
  });

  it("gives the lease back to its holder after an API server outage longer than the renew deadline; a fast clock shows in renewTime", () => {
    const shell = session();
    shell.execute("kubectl create deployment web --image=nginx --replicas=1");
    const lines = [":pause apiserver-1", ":advance 20s", ":kube-status", ":resume apiserver-1", ":advance 3s", ":kube-status", "kubectl scale deployment web --replicas=2", ":advance 8s", "kubectl get deployments", ":drift kcm-2 1.5", ":advance 20s", ":kube-status"];
    expect(transcript(shell, lines)).toBe(
      [
        "$ :pause apiserver-1",
        "$ :advance 20s",
        "$ :kube-status",
        "lease kube-system/kube-controller-manager: held by kcm-2, renewed 20s ago, 0 transitions",
        "apiserver-1: paused",
        "kcm-1: up, waiting for the lease",
        "kcm-2: up, waiting for the lease",
        "kube-scheduler: up",
        "node-1: kubelet up, 0 pods",
        "node-2: kubelet up, 0 pods",
        "node-3: kubelet up, 0 pods",
        "pods: none",
        "$ :resume apiserver-1",
        "$ :advance 3s",
        "$ :kube-status",
        "lease kube-system/kube-controller-manager: held by kcm-2, renewed 1s ago, 0 transitions",
        "apiserver-1: up",
        "kcm-1: up, waiting for the lease",
        "kcm-2: up, leading",
        "kube-scheduler: up",
        "node-1: kubelet up, 1 pod",
        "node-2: kubelet up, 0 pods",
        "node-3: kubelet up, 0 pods",
        "pods: 1 Pending",
        "$ kubectl scale deployment web --replicas=2",
        "deployment.apps/web scaled",
        "$ :advance 8s",
        "$ kubectl get deployments",
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE",
        "web    2/2     2            2           31s",
        "$ :drift kcm-2 1.5",
        "$ :advance 20s",
        "$ :kube-status",
        "lease kube-system/kube-controller-manager: held by kcm-2, renewTime 9s ahead of now (the holder's clock), 0 transitions",
        "apiserver-1: up",
        "kcm-1: up, waiting for the lease",
        "kcm-2: up, leading",
        "kube-scheduler: up",
        "node-1: kubelet up, 1 pod",
        "node-2: kubelet up, 1 pod",
        "node-3: kubelet up, 0 pods",
        "pods: 2 Running",
        "",
      ].join("\n"),
    );
  });

  it("takes a node's kubelet down with :crash node-1; its pods stay as the API has them", () => {
    const shell = session();
    expect(transcript(shell, ["kubectl run debug --image=busybox", ":advance 5s", "kubectl get pods -o wide", ":crash node-1", ":crash node-1", ":kube-status"])).toBe(
      [
        "$ kubectl run debug --image=busybox",
        "pod/debug created",
        "$ :advance 5s",
        "$ kubectl get pods -o wide",
        "NAME    READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES",
        "debug   1/1     Running   0          5s    10.244.0.2   node-1   <none>           <none>",
        "$ :crash node-1",
        "$ :crash node-1",
        "! etcdlab shell: cannot crash kubelet-node-1: it is crashed (it must be up or paused)",
        "$ :kube-status",
        "lease kube-system/kube-controller-manager: held by kcm-2, renewed 1s ago, 0 transitions",
        "apiserver-1: up",
        "kcm-1: up, waiting for the lease",
        "kcm-2: up, leading",
        "kube-scheduler: up",
        "node-1: kubelet crashed, 1 pod",
        "node-2: kubelet up, 0 pods",
        "node-3: kubelet up, 0 pods",
        "pods: 1 Running",
        "",
      ].join("\n"),
    );
  });

  it("collects a deleted deployment's ReplicaSet, then its Pods (background propagation), in any namespace", () => {
    const shell = session();
    expect(transcript(shell, ["kubectl create deployment web --image=nginx:1.25 --replicas=3 -n shop", ":advance 10s", "kubectl get pods -n shop", "kubectl delete deployment web -n shop", ":advance 1s", "kubectl get rs -n shop", "kubectl get pods -n shop", ":advance 2s", "kubectl get pods -n shop", ":kube-status"])).toBe(
      [
        "$ kubectl create deployment web --image=nginx:1.25 --replicas=3 -n shop",
        "deployment.apps/web created",
        "$ :advance 10s",
        "$ kubectl get pods -n shop",
        "NAME                   READY   STATUS    RESTARTS   AGE",
        "web-6cfdbd7649-8vzpc   1/1     Running   0          9s",
        "web-6cfdbd7649-nqn6l   1/1     Running   0          9s",
        "web-6cfdbd7649-src98   1/1     Running   0          9s",
        "$ kubectl delete deployment web -n shop",
        "deployment.apps \"web\" deleted",
        "$ :advance 1s",
        "$ kubectl get rs -n shop",
        "! No resources found in shop namespace.",
        "$ kubectl get pods -n shop",
        "NAME                   READY   STATUS    RESTARTS   AGE",
        "web-6cfdbd7649-8vzpc   1/1     Running   0          10s",
        "web-6cfdbd7649-nqn6l   1/1     Running   0          10s",
        "web-6cfdbd7649-src98   1/1     Running   0          10s",
        "$ :advance 2s",
        "$ kubectl get pods -n shop",
        "! No resources found in shop namespace.",
        "$ :kube-status",
        "lease kube-system/kube-controller-manager: held by kcm-2, renewed 1s ago, 0 transitions",
        "apiserver-1: up",
        "kcm-1: up, waiting for the lease",
        "kcm-2: up, leading",
        "kube-scheduler: up",
        "node-1: kubelet up, 0 pods",
        "node-2: kubelet up, 0 pods",
        "node-3: kubelet up, 0 pods",
        "pods: none",
        "",
      ].join("\n"),
    );
  });

  it("gives a changed pod template a new ReplicaSet and scales the old one to 0", () => {
    const shell = session();
    const manifest = ["apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: web", "spec:", "  template:", "    metadata:", "      labels:", "        app: web", "    spec:", "      containers:", "      - name: nginx", "        image: nginx:1.26", "EOF"];
    shell.execute("kubectl create deployment web --image=nginx:1.25 --replicas=2");
    shell.execute(":advance 10s");
    shell.run(":write web.yaml", manifest, { write: () => undefined, error: (text) => expect.fail(text) });
    expect(transcript(shell, ["kubectl apply -f web.yaml", ":advance 10s", "kubectl get rs -o wide", "kubectl get pods", "kubectl get deployments -o wide"])).toBe(
      [
        "$ kubectl apply -f web.yaml",
        "deployment.apps/web configured",
        "$ :advance 10s",
        "$ kubectl get rs -o wide",
        "NAME             DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES       SELECTOR",
        "web-649998d598   2         2         2       9s    nginx        nginx:1.26   app=web,pod-template-hash=649998d598",
        "web-6cfdbd7649   0         0         0       20s   nginx        nginx:1.25   app=web,pod-template-hash=6cfdbd7649",
        "$ kubectl get pods",
        "NAME                   READY   STATUS    RESTARTS   AGE",
        "web-649998d598-nqn6l   1/1     Running   0          8s",
        "web-649998d598-r8sfr   1/1     Running   0          8s",
        "$ kubectl get deployments -o wide",
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR",
        "web    2/2     2            2           20s   nginx        nginx:1.26   app=web",
        "",
      ].join("\n"),
    );
  });

  it("starts over the API server kubectl lines already use, and refuses to start beside actors of the same names", () => {
    const bare = new ShellSession({ members: 3, seed: 1 });
    bare.execute("kubectl run debug --image=busybox");
    bare.execute(":advance 10s");
    expect(bare.execute("kubectl get pods").stdout).toBe("NAME    READY   STATUS    RESTARTS   AGE\ndebug   0/1     Pending   0          10s\n");
    expect(bare.execute(":kube").stdout).toContain("kube-apiserver: apiserver-1 (etcd endpoints n1, n2, n3)\n");
    bare.execute(":advance 5s");
    expect(bare.execute("kubectl get pods -o wide").stdout).toBe(
      "NAME    READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\ndebug   1/1     Running   0          18s   10.244.0.2   node-1   <none>           <none>\n",
    );
    const scenario = new ShellSession({ members: 3, seed: 1 });
    KubeEnv.of(scenario.cluster).startNodes(["node-1"]);
    expect(scenario.execute(":kube")).toEqual({ stdout: "", stderr: "etcdlab shell: cannot start the control plane: kube-scheduler, kubelet-node-1 already run\n" });
    expect(scenario.execute(":kube-status").stderr).toBe("etcdlab shell: the control plane is not running (a kubectl line or :kube starts it)\n");
  });

  it("starts nothing in a script without kubectl: the same output, no API server", () => {
    const lines = ["put k v", "get k -w json", ":advance 30s", ":status", "endpoint status --cluster -w table"];
    const withControlPlane = session();
    const without = new ShellSession({ members: 3, seed: 1 });
    expect(transcript(withControlPlane, lines)).toBe(transcript(without, lines));
    expect(withControlPlane.world.has("apiserver-1")).toBe(false);
    expect(withControlPlane.world.has("kcm-1")).toBe(false);
  });
});
