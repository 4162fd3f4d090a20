/** Shared by the shell tests: a script run through one session, its output as one stream. */
import { ShellSession } from "../../src/shell/session.js";

/** Runs a script through one session; stdout and stderr in one stream (stderr lines marked `!`). */
export function interleaved(script: readonly string[], seed = 1): string {
  const session = new ShellSession({ members: 3, seed });
  let text = "";
  const out = {
    write: (chunk: string) => {
      text += chunk;
    },
    error: (chunk: string) => {
      text += chunk.replace(/^(.)/gm, "!$1");
    },
  };
  session.runScript(script, out);
  return text;
}
