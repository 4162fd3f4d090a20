/** Where the files shipped with the package live (scenarios/, lessons/), wherever it is installed. */
import { existsSync, readdirSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { closest, UsageError } from "./args.js";

/** The package root: two levels above this module, in both `src/cli` and `dist/cli`. */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const SCENARIOS_DIR = join(PACKAGE_ROOT, "scenarios");

/**
 * A scenario argument is a path to a YAML file (`scenarios/NAME.yaml` falls back to the shipped file
 * when the working directory has none), or the bare name of a shipped scenario (`first-election` for
 * `scenarios/first-election.yaml`); an unknown name is a usage error that names the nearest one.
 */
export function resolveScenarioPath(argument: string, cwd: string): string {
  const direct = join(cwd, argument);
  if (argument.includes("/") || argument.endsWith(".yaml") || argument.endsWith(".yml") || existsSync(direct)) {
    if (argument.startsWith("/")) return argument;
    // `scenarios/figure8.yaml` names the shipped file wherever etcdlab runs, unless the directory has its own.
    const packaged = join(PACKAGE_ROOT, argument);
    return !existsSync(direct) && argument.startsWith("scenarios/") && existsSync(packaged) ? packaged : direct;
  }
  const shipped = join(SCENARIOS_DIR, `${argument}.yaml`);
  if (!existsSync(shipped)) {
    const names = readdirSync(SCENARIOS_DIR).filter((file) => file.endsWith(".yaml")).map((file) => file.slice(0, -".yaml".length));
    const hint = closest(argument, names);
    throw new UsageError(`unknown scenario '${argument}'${hint ? `: did you mean '${hint}'?` : ""} (a scenario file, or a name from scenarios/)`);
  }
  return shipped;
}

/** How a scenario path is shown in messages: relative to the working directory, or to the package. */
export function displayPath(path: string, cwd: string): string {
  const fromCwd = relative(cwd, path);
  if (!fromCwd.startsWith("..") && !isAbsolute(fromCwd)) return fromCwd;
  const fromPackage = relative(PACKAGE_ROOT, path);
  return !fromPackage.startsWith("..") && !isAbsolute(fromPackage) ? fromPackage : path;
}
