/**
 * `kubectl delete` as kubectl v1.30 prints it (DeleteOptions.PrintObj): `<kind>[.<group>] "<name>"
 * deleted` for each object, in the order given; errors (kubectl's ContinueOnError) after them on
 * stderr, exit 1; the object's key is gone from etcd.
 */
import { describe, expect, it } from "vitest";
import { ShellSession } from "../../src/shell/session.js";

describe("kubectl delete", () => {
  it("prints one line per object, core and grouped kinds, and removes the etcd key", () => {
    const shell = new ShellSession({ members: 3, seed: 1 });
    shell.execute("kubectl create configmap a --from-literal=k=1");
    shell.execute("kubectl create configmap b --from-literal=k=1");
    shell.execute("kubectl create deployment web --image=nginx");
    expect(shell.execute("kubectl delete configmap a b")).toEqual({ stdout: 'configmap "a" deleted\nconfigmap "b" deleted\n', stderr: "" });
    expect(shell.execute("kubectl delete deploy/web")).toEqual({ stdout: 'deployment.apps "web" deleted\n', stderr: "" });
    expect(shell.execute("etcdctl get /registry --prefix --keys-only").stdout).toBe("");
  });

  it("goes on past a missing object and reports it after the others", () => {
    const shell = new ShellSession({ members: 3, seed: 1 });
    shell.execute("kubectl create configmap b");
    expect(shell.execute("kubectl delete cm missing b -n default")).toEqual({
      stdout: 'configmap "b" deleted\n',
      stderr: 'Error from server (NotFound): configmaps "missing" not found\n',
    });
    expect(shell.execute("kubectl delete cm/b pod/x")).toEqual({
      stdout: "",
      stderr: 'Error from server (NotFound): configmaps "b" not found\nError from server (NotFound): pods "x" not found\n',
    });
  });

  it("refuses bad arguments with kubectl's words", () => {
    const shell = new ShellSession({ members: 3, seed: 1 });
    expect(shell.execute("kubectl delete configmap").stderr).toBe("error: resource(s) were provided, but no name was specified\n");
    expect(shell.execute("kubectl delete").stderr).toBe(
      "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n",
    );
    expect(shell.execute("kubectl delete cm/").stderr).toBe("error: arguments in resource/name form must have a single resource and name\n");
    expect(shell.execute("kubectl delete widgets x").stderr).toBe('error: the server doesn\'t have a resource type "widgets"\n');
  });
});
