/** Shared helpers of the etcdctl tests. */
import { expect } from "vitest";
import { type CommandOutput, type EtcdctlCommand, type ParsedCommandLine, type ParseOptions, parseCommandLine } from "../../src/etcdctl/index.js";

/** Parses a line that must parse. */
export function parsed(line: string, options: ParseOptions = {}): ParsedCommandLine {
  const outcome = parseCommandLine(line, options);
  if (!outcome.ok) throw new Error(`"${line}" was refused: ${outcome.output.stderr}`);
  return outcome.parsed;
}

/** The command of a line that must parse. */
export function command(line: string, options: ParseOptions = {}): EtcdctlCommand {
  return parsed(line, options).command;
}

/** The output of a line that must be refused. */
export function refused(line: string, options: ParseOptions = {}): CommandOutput {
  const outcome = parseCommandLine(line, options);
  if (outcome.ok) throw new Error(`"${line}" parsed to ${outcome.parsed.command.kind}`);
  return outcome.output;
}

/** A refusal with "Error: <message>" and the exit code. */
export function expectError(line: string, message: string, exitCode: number, options: ParseOptions = {}): void {
  const output = refused(line, options);
  expect(output.stderr).toBe(`Error: ${message}\n`);
  expect(output.exitCode).toBe(exitCode);
}
