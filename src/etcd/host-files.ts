/**
 * The files of the machines the simulated cluster runs on, outside any member's data directory:
 * snapshot files written by `etcdctl snapshot save`, data directories made by `snapshot restore`,
 * the kubeadm PKI under `/etc/kubernetes/pki`, manifests. One flat namespace of absolute paths
 * (relative paths are taken from `/root`, the shell's working directory); directories exist as
 * prefixes of the files in them, plus those made explicitly.
 *
 * Everything stays in memory: the shell, scenarios and lessons never touch the real disk.
 */
import { InputError } from "../sim/errors.js";

export const HOST_HOME = "/root";

export class HostFiles {
  private readonly files = new Map<string, Uint8Array>();
  private readonly directories = new Set<string>(["/"]);

  /** An absolute, normalized path (`a/../b` resolved, no trailing slash); relative to `/root`. */
  static resolve(path: string): string {
    if (path === "") throw new InputError("empty path");
    const parts: string[] = [];
    const full = path.startsWith("/") ? path : `${HOST_HOME}/${path}`;
    for (const part of full.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") parts.pop();
      else parts.push(part);
    }
    return `/${parts.join("/")}`;
  }

  write(path: string, data: Uint8Array): void {
    const resolved = HostFiles.resolve(path);
    if (this.isDirectory(resolved)) throw new InputError(`${path}: is a directory`);
    this.files.set(resolved, data);
    this.mkdirs(parentOf(resolved));
  }

  read(path: string): Uint8Array | undefined {
    return this.files.get(HostFiles.resolve(path));
  }

  exists(path: string): boolean {
    const resolved = HostFiles.resolve(path);
    return this.files.has(resolved) || this.isDirectory(resolved);
  }

  isDirectory(path: string): boolean {
    const resolved = HostFiles.resolve(path);
    if (this.directories.has(resolved)) return true;
    const prefix = resolved === "/" ? "/" : `${resolved}/`;
    for (const name of this.files.keys()) if (name.startsWith(prefix)) return true;
    return false;
  }

  mkdirs(path: string): void {
    let current = HostFiles.resolve(path);
    while (!this.directories.has(current)) {
      this.directories.add(current);
      current = parentOf(current);
    }
  }

  remove(path: string): boolean {
    return this.files.delete(HostFiles.resolve(path));
  }

  /** Every file under a directory (recursively), sorted by path. */
  list(directory: string): string[] {
    const resolved = HostFiles.resolve(directory);
    const prefix = resolved === "/" ? "/" : `${resolved}/`;
    return [...this.files.keys()].filter((name) => name.startsWith(prefix)).sort();
  }
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}
