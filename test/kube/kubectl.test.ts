/**
 * kubectl through the simulated API server: exact output and error lines, the keys the API server
 * writes, resourceVersions as etcd revisions, and the 409s of create and replace.
 */
import { describe, expect, it } from "vitest";
import { ShellSession } from "../../src/shell/session.js";

function session(): ShellSession {
  return new ShellSession({ members: 3, seed: 1 });
}

/** Runs lines (with heredocs) and returns everything written, stderr lines marked. */
function script(shell: ShellSession, lines: readonly string[]): string {
  let out = "";
  for (let index = 0; index < lines.length; ) {
    const used = shell.run(lines[index] as string, lines.slice(index + 1), {
      write: (text) => {
        out += text;
      },
      error: (text) => {
        out += `! ${text}`;
      },
    });
    index += 1 + used;
  }
  return out;
}

describe("kubectl in the shell", () => {
  it("creates, refuses a second create with 409 AlreadyExists, and stores under /registry", () => {
    const shell = session();
    expect(shell.execute("kubectl create configmap cfg --from-literal=color=blue")).toEqual({ stdout: "configmap/cfg created\n", stderr: "" });
    expect(shell.execute("kubectl create configmap cfg --from-literal=color=red")).toEqual({ stdout: "", stderr: 'Error from server (AlreadyExists): configmaps "cfg" already exists\n' });
    expect(shell.execute("kubectl create deployment web --image=nginx:1.25 --replicas=3").stdout).toBe("deployment.apps/web created\n");
    expect(shell.execute("kubectl run nginx --image=nginx").stdout).toBe("pod/nginx created\n");
    expect(shell.execute("etcdctl get /registry --prefix --keys-only").stdout).toBe("/registry/configmaps/default/cfg\n\n/registry/deployments/default/web\n\n/registry/pods/default/nginx\n\n");
  });

  it("prints tables, JSON and the raw object with resourceVersion = the key's mod_revision", () => {
    const shell = session();
    shell.execute("kubectl create configmap cfg --from-literal=color=blue");
    shell.execute(":advance 3m");
    expect(shell.execute("kubectl get configmaps").stdout).toBe("NAME   DATA   AGE\ncfg    1      3m\n");
    const raw = JSON.parse(shell.execute("kubectl get --raw /api/v1/namespaces/default/configmaps/cfg").stdout) as { metadata: { resourceVersion: string } };
    const etcd = shell.execute("etcdctl get /registry/configmaps/default/cfg -w json").stdout;
    expect(raw.metadata.resourceVersion).toBe(String((JSON.parse(etcd) as { kvs: { mod_revision: number }[] }).kvs[0]?.mod_revision));
    expect(shell.execute("kubectl get cm cfg -o json").stdout).toContain('    "data": {\n        "color": "blue"\n    },\n    "kind": "ConfigMap",');
    expect(shell.execute("kubectl get cm nope")).toEqual({ stdout: "", stderr: 'Error from server (NotFound): configmaps "nope" not found\n' });
    expect(shell.execute("kubectl get cm -n kube-system")).toEqual({ stdout: "", stderr: "No resources found in kube-system namespace.\n" });
    expect(shell.execute("kubectl get widgets").stderr).toBe('error: the server doesn\'t have a resource type "widgets"\n');
    expect(shell.execute("kubectl get cm --bogus").stderr).toBe("error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n");
  });

  it("replace honours the file's resourceVersion: a stale file gets 409 Conflict and writes nothing", () => {
    const shell = session();
    const manifest = (version: string, color: string) => [":write cm.yaml", "apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: cfg", `  resourceVersion: "${version}"`, "data:", `  color: ${color}`, "EOF"];
    const out = script(shell, [
      "kubectl create configmap cfg --from-literal=color=blue",
      ...manifest("2", "green"),
      "kubectl replace -f cm.yaml",
      ...manifest("2", "red"),
      "kubectl replace -f cm.yaml",
      "kubectl delete configmap cfg",
    ]);
    expect(out).toBe(
      "configmap/cfg created\nconfigmap/cfg replaced\n" +
        '! Error from server (Conflict): error when replacing "cm.yaml": Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again\n' +
        'configmap "cfg" deleted\n',
    );
  });

  it("scale patches the deployment; apply creates, configures and leaves unchanged", () => {
    const shell = session();
    shell.execute("kubectl create deployment web --image=nginx --replicas=1");
    expect(shell.execute("kubectl scale deployment web --replicas=4").stdout).toBe("deployment.apps/web scaled\n");
    expect(shell.execute("kubectl get deploy web -o wide").stdout).toBe("NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES   SELECTOR\nweb    0/4     0            0           0s    nginx        nginx    app=web\n");
    const file = [":write cm.yaml", "apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: settings", "data:", "  a: \"1\"", "EOF"];
    expect(script(shell, [...file, "kubectl apply -f cm.yaml", "kubectl apply -f cm.yaml"])).toBe("configmap/settings created\nconfigmap/settings unchanged\n");
    expect(script(shell, [":write cm.yaml", "apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: settings", "data:", "  a: \"2\"", "EOF", "kubectl apply -f cm.yaml"])).toBe("configmap/settings configured\n");
  });
});
