/**
 * Steps that run shell lines against the scenario's own cluster, through the same line executor as
 * `etcdlab shell` (src/shell/session.ts): etcdctl command lines with etcd's exact output, lab lines
 * (`:crash n1`, `:advance 2s`, ...) and whatever else the shell understands (kubectl lines once the
 * shell serves them).
 *
 * - `etcdctl` runs one line, optionally with the standard input a command reads (txn), and checks
 *   its standard output and standard error exactly (`output`, `error`). `capture` saves part of the
 *   output in a variable (a lease ID) that later lines and expected outputs use as `${NAME}`.
 * - `shell` runs a script of lines and checks the transcript: each line echoed after `$ ` (the
 *   lines a command read as its input after `> `), followed by what it printed, stdout and stderr
 *   in the order they were written.
 *
 * Checks are recorded as expectations of the step (kind `etcdctl` or `shell`): a mismatch fails the
 * run with a line that shows what was expected and what was printed. Outputs are compared exactly,
 * except that trailing newlines are ignored (YAML's `|` adds one, a plain scalar has none).
 * A line the shell refuses (`etcdlab shell: ...`: an unknown lab command, an unknown member) is a
 * mistake in the scenario, reported with the step's position, unless an `error` expectation says
 * the refusal is the point.
 */
import { z } from "zod";
import { InputError } from "../sim/errors.js";
import { ShellSession } from "../shell/session.js";
import type { EtcdLab } from "./etcd-cluster.js";
import { defineStep, type Lab, type ScenarioRun, type StepCheck } from "./registry.js";

const ETCD = ["etcd"] as const;

/** The shell session and the captured variables of one run (one per lab). */
interface ShellState {
  readonly session: ShellSession;
  readonly variables: Map<string, string>;
}

const states = new WeakMap<Lab, ShellState>();

function stateOf(run: ScenarioRun): ShellState {
  let state = states.get(run.lab);
  if (state === undefined) {
    const cluster = (run.lab as EtcdLab).cluster;
    state = { session: new ShellSession({ members: cluster.members.length, seed: run.seed, existing: { world: run.world, cluster } }), variables: new Map() };
    states.set(run.lab, state);
  }
  return state;
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const variableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/);

/** The text with each `${NAME}` replaced by the variable's value; an unknown variable is a mistake in the scenario. */
function substitute(run: ScenarioRun, variables: ReadonlyMap<string, string>, text: string): string {
  return text.replace(VARIABLE, (_whole, name: string) => {
    const value = variables.get(name);
    if (value === undefined) {
      const known = [...variables.keys()];
      throw new InputError(`${run.where}: unknown variable '\${${name}}' (${known.length === 0 ? "no step captured a variable before this one" : `captured so far: ${known.join(", ")}`})`);
    }
    return value;
  });
}

/** A regular expression given in the file: refused at load time when it does not compile. */
const regexSchema = z.string().min(1).superRefine((text, context) => {
  try {
    new RegExp(text);
  } catch (error) {
    context.addIssue({ code: "custom", message: `not a regular expression: ${(error as Error).message}` });
  }
});

const captureSchema = z
  .record(z.string(), regexSchema)
  .superRefine((captures, context) => {
    for (const name of Object.keys(captures)) {
      if (!variableName.safeParse(name).success) context.addIssue({ code: "custom", path: [name], message: `variable '${name}': a variable name is letters, digits and '_', such as LEASE` });
    }
  })
  .optional();

/** What one line printed: stdout and stderr apart, and both in the order written. */
interface LineOutput {
  stdout: string;
  stderr: string;
  both: string;
  /** How many of the following lines the command read as its input. */
  read: number;
}

function runLine(session: ShellSession, line: string, following: readonly string[]): LineOutput {
  const output: LineOutput = { stdout: "", stderr: "", both: "", read: 0 };
  output.read = session.run(line, following, {
    write: (text) => {
      output.stdout += text;
      output.both += text;
    },
    error: (text) => {
      output.stderr += text;
      output.both += text;
    },
  });
  return output;
}

const REFUSED = "etcdlab shell: ";

/** A line the shell refused is a mistake in the scenario (exit 2), not a failed expectation. */
function refuseBadLine(run: ScenarioRun, line: string, output: LineOutput): void {
  const refusal = output.stderr.split("\n").find((text) => text.startsWith(REFUSED));
  if (refusal !== undefined) throw new InputError(`${run.where}: the shell refused '${line}': ${refusal.slice(REFUSED.length)}`);
}

function withoutTrailingNewlines(text: string): string {
  return text.replace(/\n+$/, "");
}

/** Text for a one-line message: quoted, with newlines shown as \n. */
function quoted(text: string): string {
  return JSON.stringify(text);
}

/** Saves the first group (or the whole match) of each capture's expression over `stdout`. */
function capture(run: ScenarioRun, state: ShellState, what: string, captures: Record<string, string> | undefined, stdout: string): StepCheck[] {
  if (captures === undefined) return [];
  return Object.entries(captures).map(([name, pattern]): StepCheck => {
    const match = new RegExp(pattern).exec(stdout);
    if (match === null) {
      state.variables.set(name, "");
      return { kind: "capture", passed: false, detail: `${what}: capture ${name}: /${pattern}/ does not match the output ${quoted(stdout)}` };
    }
    const value = match[1] ?? match[0];
    state.variables.set(name, value);
    return { kind: "capture", passed: true, detail: `${what}: captured ${name}=${value}` };
  });
}

function compare(kind: string, what: string, stream: "output" | "error", expected: string, actual: string): StepCheck {
  const passed = withoutTrailingNewlines(expected) === withoutTrailingNewlines(actual);
  return { kind, passed, detail: passed ? `${what}: ${stream} as expected` : `${what}: expected ${stream} ${quoted(withoutTrailingNewlines(expected))}, got ${quoted(withoutTrailingNewlines(actual))}` };
}

/** The lines of a text block, without the empty line a final newline leaves. */
function linesOf(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

const lineSchema = z.string().trim().min(1, "a shell line, such as 'put foo bar' or ':crash n1'");

/** A bare string is the short form of the mapping's `line` (or `script`). */
function shortForm(field: string) {
  return (value: unknown): unknown => (typeof value === "string" ? { [field]: value } : value);
}

const lineStepSchema = z.preprocess(
  shortForm("line"),
  z.strictObject(
    {
      line: lineSchema,
      stdin: z.string().optional(),
      output: z.string().optional(),
      error: z.string().optional(),
      matches: regexSchema.optional(),
      capture: captureSchema,
    },
    { error: "expected a shell line such as 'put foo bar', or a mapping {line, stdin, output, error, matches, capture}" },
  ),
);

/**
 * Defines a step that runs one shell line (the `etcdctl` step; another layer may define `kubectl`
 * the same way). The line goes to the shell as written: the session decides what it is.
 */
export function defineShellLineStep(name: string, summary: string, example: string, details?: string): void {
  defineStep({
    name,
    summary,
    example,
    ...(details !== undefined ? { details } : {}),
    clusters: ETCD,
    schema: lineStepSchema,
    execute: (run, step): StepCheck[] => {
      const state = stateOf(run);
      const line = substitute(run, state.variables, step.line);
      const stdin = step.stdin === undefined ? [] : linesOf(substitute(run, state.variables, step.stdin));
      const output = runLine(state.session, line, stdin);
      run.emit({ type: "shell", line, stdout: output.stdout, stderr: output.stderr, text: `$ ${line}${output.both === "" ? "" : ` → ${withoutTrailingNewlines(output.both)}`}` });
      if (step.error === undefined) refuseBadLine(run, line, output);
      const checks: StepCheck[] = [];
      if (step.output !== undefined) checks.push(compare(name, line, "output", substitute(run, state.variables, step.output), output.stdout));
      if (step.error !== undefined) checks.push(compare(name, line, "error", substitute(run, state.variables, step.error), output.stderr));
      if (step.matches !== undefined) {
        const pattern = substitute(run, state.variables, step.matches);
        const passed = new RegExp(pattern).test(output.both);
        checks.push({ kind: name, passed, detail: passed ? `${line}: output matches /${pattern}/` : `${line}: expected output matching /${pattern}/, got ${quoted(withoutTrailingNewlines(output.both))}` });
      }
      checks.push(...capture(run, state, line, step.capture, output.stdout));
      return checks;
    },
  });
}

defineShellLineStep(
  "etcdctl",
  "run one etcdctl line against the cluster as `etcdlab shell` does, with etcdctl's exact output; optionally give it `stdin` (txn), check its `output` (stdout) and `error` (stderr) exactly, or that what it printed `matches` a regular expression, and `capture` part of the output as `${NAME}` for later steps",
  '- etcdctl: {line: "get foo --print-value-only", output: bar}',
  `
The line is what you would type after \`etcdctl\` (the word itself is optional), global flags
included: \`--endpoints=n2\` (or \`127.0.0.1:22379\`) sends it to n2; the default is n1. The world
runs until etcdctl would print (at most \`--command-timeout\`, 5s). Any line \`etcdlab shell\`
accepts works, lab lines such as \`:crash n1\` included. The short form only runs the line:

\`\`\`yaml
- etcdctl: put foo bar
- etcdctl: --endpoints=n3 get foo --consistency=s
\`\`\`

The long form checks what etcdctl printed. \`output\` is its standard output and \`error\` its standard
error, each compared exactly except for trailing newlines; a mismatch fails the run (exit 1) with
both texts. \`stdin\` is what the command reads from its standard input: txn's compares, success and
failure sections, each ending with an empty line (write \`|+\` to keep the final empty line, as a
plain \`|\` drops it and etcdctl then stops with \`Error: EOF\`). \`matches\` is a regular expression
that what the line printed (standard output and error, in the order written) must match, for
outputs holding IDs, sizes or times that vary. \`capture\` saves the first group of a regular
expression (or the whole match) over the standard output in a variable, which later \`etcdctl\`
and \`shell\` steps use as \`\${NAME}\`, in lines and in expected outputs; a capture that does not
match fails the run.

\`\`\`yaml
- etcdctl: put config v1
- etcdctl:
    line: txn
    stdin: |+
      value("config") = "v1"

      put config v2

      get config

    output: |
      SUCCESS

      OK
- etcdctl: {line: "lease revoke 1234", error: "Error: failed to revoke lease (etcdserver: requested lease not found)"}
- etcdctl: {line: "lease grant 10", capture: {LEASE: "lease ([0-9a-f]+) granted"}}
- etcdctl: {line: "put lock me --lease=\${LEASE}", output: OK}
- etcdctl: {line: "lease list", matches: "^found 1 leases\\n\${LEASE}\\n$"}
\`\`\`

A line the shell refuses (\`etcdlab shell: ...\`: an unknown lab command, an unknown member) is a
mistake in the scenario: \`etcdlab run\` stops with exit 2 and the step's position, unless the step
expects that \`error\`. etcdctl's own errors (a bad flag, a request the cluster refused) are output
like any other.
`,
);

/** The transcript of a script: each line after `$ `, the input it read after `> `, then its output. */
function transcriptOf(run: ScenarioRun, state: ShellState, script: readonly string[]): { transcript: string; stdout: string; commands: number } {
  let transcript = "";
  let commands = 0;
  let stdout = "";
  let index = 0;
  while (index < script.length) {
    const line = (script[index] as string).trim();
    index++;
    if (line === "" || line.startsWith("#")) continue;
    commands++;
    const output = runLine(state.session, line, script.slice(index));
    const input = script.slice(index, index + output.read);
    index += output.read;
    run.emit({ type: "shell", line, stdout: output.stdout, stderr: output.stderr, text: `$ ${line}${output.both === "" ? "" : ` → ${withoutTrailingNewlines(output.both)}`}` });
    refuseBadLine(run, line, output);
    transcript += `$ ${line}\n${input.map((text) => `> ${text}\n`).join("")}${output.both}`;
    if (output.both !== "" && !output.both.endsWith("\n")) transcript += "\n";
    stdout += output.stdout;
  }
  return { transcript, stdout, commands };
}

/** Where two transcripts first differ, as a line a reader can act on. */
function transcriptDifference(expected: string, actual: string): string {
  const want = linesOf(withoutTrailingNewlines(expected));
  const got = linesOf(withoutTrailingNewlines(actual));
  for (let index = 0; index < Math.max(want.length, got.length); index++) {
    if (want[index] === got[index]) continue;
    const shown = (text: string | undefined) => (text === undefined ? "(end of transcript)" : quoted(text));
    return `transcript line ${index + 1}: expected ${shown(want[index])}, got ${shown(got[index])} (the whole transcript: ${quoted(withoutTrailingNewlines(actual))})`;
  }
  return "transcripts equal";
}

defineStep({
  name: "shell",
  summary:
    "run a script of shell lines (etcdctl lines, lab lines such as `:crash n1` and `:advance 2s`) against the cluster, and check its `transcript` exactly: each line after `$ `, then what it printed",
  example: '- shell: {script: "put foo bar\\nget foo --print-value-only", transcript: "$ put foo bar\\nOK\\n$ get foo --print-value-only\\nbar"}',
  details: `
A script is one shell line a line, as \`printf '...' | etcdlab shell\` would read them: etcdctl lines,
kubectl lines, lab lines (\`:crash n1\`, \`:partition n1 | n2 n3\`, \`:advance 2s\`, \`:leader\`,
\`:status\`), blank lines and \`#\` comments (skipped). A command that reads its standard input (txn) reads the lines
after it. \`transcript\` is checked exactly (trailing newlines aside): for each line run, \`$ \`
and the line, the lines it read as input after \`> \`, then what it printed, standard output and
error in the order written. A mismatch fails the run with the first line that differs.

\`\`\`yaml
- shell:
    script: |
      put greeting hello
      :crash n1
      :advance 3s
      --endpoints=n2 get greeting --print-value-only
    transcript: |
      $ put greeting hello
      OK
      $ :crash n1
      $ :advance 3s
      $ --endpoints=n2 get greeting --print-value-only
      hello
\`\`\`

\`shell: "<script>"\` runs a script without checking it; \`capture\` works as for \`etcdctl\`, over the
script's standard output.
`,
  clusters: ETCD,
  schema: z.preprocess(
    shortForm("script"),
    z.strictObject(
      { script: z.string().trim().min(1, "a script of shell lines, one a line"), transcript: z.string().optional(), capture: captureSchema },
      { error: "expected a script of shell lines, or a mapping {script, transcript, capture}" },
    ),
  ),
  execute: (run, step): StepCheck[] => {
    const state = stateOf(run);
    const script = linesOf(substitute(run, state.variables, step.script));
    const { transcript, stdout, commands } = transcriptOf(run, state, script);
    const checks: StepCheck[] = [];
    if (step.transcript !== undefined) {
      const expected = substitute(run, state.variables, step.transcript);
      const passed = withoutTrailingNewlines(expected) === withoutTrailingNewlines(transcript);
      const what = `script of ${commands} command${commands === 1 ? "" : "s"}`;
      checks.push({ kind: "shell", passed, detail: passed ? `${what}: transcript as expected` : `${what}: ${transcriptDifference(expected, transcript)}` });
    }
    checks.push(...capture(run, state, "script", step.capture, stdout));
    return checks;
  },
});
