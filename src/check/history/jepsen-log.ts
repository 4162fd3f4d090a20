/**
 * Reads a Jepsen log of a register test, one event a line, as in Porcupine's etcd test data:
 *
 *     INFO  jepsen.util - 3	:invoke	:cas	[1 4]
 *     INFO  jepsen.util - 3	:fail	:cas	[1 4]
 *
 * Fields are separated by any whitespace (tabs in most files, spaces in some). After the process
 * number come the event type (`:invoke`, `:ok`, `:fail`, `:info`), the operation (`:read`,
 * `:write`, `:cas`) and the value in EDN (`nil`, an integer, `[from to]`, or a keyword such as
 * `:timed-out`). Lines of the `:nemesis` process and blank lines are skipped. The time of an event
 * is its line number.
 */
import { readEdnValue } from "./edn.js";
import type { RegisterHistory } from "./history.js";
import { REGISTER_CODEC, JEPSEN_TYPES, JepsenPairing, type JepsenType } from "./jepsen-events.js";
import { atLine, LineError } from "./line-error.js";
import type { RegisterInput, RegisterOutput } from "./operations.js";

const PREFIX = ["INFO", "jepsen.util", "-"];

/** Whether `line` looks like a Jepsen log line (used to detect the format). */
export function isJepsenLogLine(line: string): boolean {
  return /^INFO\s+jepsen\.util\s+-\s/.test(line);
}

export function parseJepsenLog(text: string, source: string): RegisterHistory {
  const pairing = new JepsenPairing<RegisterInput, RegisterOutput>(REGISTER_CODEC);
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === "") continue;
    atLine(source, index + 1, () => readLine(line, pairing, index + 1));
  }
  return { model: "register", operations: pairing.finish(), source };
}

function readLine(line: string, pairing: JepsenPairing<RegisterInput, RegisterOutput>, lineNumber: number): void {
  const fields = line.trim().split(/\s+/);
  for (let index = 0; index < PREFIX.length; index++) {
    if (fields[index] !== PREFIX[index]) {
      throw new LineError(`expected a line 'INFO jepsen.util - <process> <type> <f> <value>', got '${shorten(line.trim())}'`);
    }
  }
  const processField = fields[3];
  if (processField === ":nemesis") return;
  if (processField === undefined || !/^\d+$/.test(processField)) {
    throw new LineError(`expected a process number after 'INFO jepsen.util -', got '${processField ?? ""}'`);
  }
  const type = keywordField(fields[4], "the event type");
  if (!(JEPSEN_TYPES as readonly string[]).includes(type)) {
    throw new LineError(`expected ':invoke', ':ok', ':fail' or ':info', got ':${type}'`);
  }
  const f = keywordField(fields[5], "the operation");
  if (fields.length < 7) throw new LineError(`expected a value after ':${f}'`);
  const value = readEdnValue(fields.slice(6).join(" "));
  const process = Number(processField);
  if (!Number.isSafeInteger(process)) throw new LineError(`process number ${processField} is too large`);
  pairing.add({ process, type: type as JepsenType, f, key: undefined, value, error: undefined }, lineNumber);
}

function keywordField(field: string | undefined, what: string): string {
  if (field === undefined) throw new LineError(`expected ${what} after the process number, got the end of the line`);
  if (!/^:[A-Za-z0-9*+!\-_?<>=./]+$/.test(field)) {
    throw new LineError(`expected ${what} as a keyword such as ':ok', got '${field}'`);
  }
  return field.slice(1);
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
