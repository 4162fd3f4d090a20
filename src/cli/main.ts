#!/usr/bin/env node
/** The `etcdlab` executable: hands the arguments to `runCli` and exits with its code. */
import { runCli } from "./cli.js";
import { processIo } from "./io.js";

// A reader that stops early (`etcdlab replay x | head`) closes the pipe: that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), processIo());
