/**
 * The streams a command talks to. Commands never touch `process` directly, so tests can run them
 * in-process and read exactly what a user would see.
 */
import { Readable } from "node:stream";

export interface CommandIo {
  write(text: string): void;
  error(text: string): void;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdinIsTty: boolean;
  readonly stdoutIsTty: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function processIo(): CommandIo {
  return {
    write: (text) => {
      process.stdout.write(text);
    },
    error: (text) => {
      process.stderr.write(text);
    },
    stdin: process.stdin,
    stdinIsTty: process.stdin.isTTY === true,
    stdoutIsTty: process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** An in-memory `CommandIo` for tests: stdout and stderr are collected as strings. */
export function memoryIo(options: { stdin?: string; env?: Record<string, string>; cwd?: string } = {}): CommandIo & {
  readonly stdout: () => string;
  readonly stderr: () => string;
} {
  let stdout = "";
  let stderr = "";
  return {
    write: (text) => {
      stdout += text;
    },
    error: (text) => {
      stderr += text;
    },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    stdinIsTty: false,
    stdoutIsTty: false,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

/** All of a stream as lines (`\n` or `\r\n`; a final newline does not make an empty last line). */
export async function readLines(stream: NodeJS.ReadableStream): Promise<string[]> {
  let text = "";
  for await (const chunk of stream) text += typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}
