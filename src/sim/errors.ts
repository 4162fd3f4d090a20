/**
 * Errors a user can cause (a malformed scenario, a corrupt trace, a history in the wrong format).
 *
 * They carry one clear line naming the problem; the CLI prints it as `etcdlab: <message>` and exits
 * with code 2, never with a stack trace. Errors only a bug can cause are assertions (`assert`), which
 * crash loudly.
 */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** An assertion: the executable specification. A failure is a bug in etcdlab, never a user error. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

/** A failed assertion, for conditions checked inline (so that the message is built only on failure). */
export function assertionFailed(message: string): never {
  throw new Error(`assertion failed: ${message}`);
}

/** The exhaustiveness check at the end of every `switch` over a discriminated union. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`assertion failed: unexpected ${what} ${JSON.stringify(value)}`);
}
