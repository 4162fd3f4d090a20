#!/usr/bin/env node
/** The `etcdlab` executable: hands the arguments to `runCli` and exits with its code. */
import { runCli } from "./cli.js";
import { processIo } from "./io.js";

process.exitCode = await runCli(process.argv.slice(2), processIo());
