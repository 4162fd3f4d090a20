/**
 * Assertions: the executable specification of the Raft core.
 *
 * A failed assertion is a bug (in this package, or in a host that broke its contract) and throws
 * `Error("assertion failed: ...")`. Expected failures (a dropped proposal, a refused transfer) are
 * never assertions; they are returned as values.
 */

/** Throws when `condition` is falsy. Pass a constant message on hot paths (no template literal). */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

/** Throws unconditionally; for hot paths that build the message only once they know they fail. */
export function assertionFailed(message: string): never {
  throw new Error(`assertion failed: ${message}`);
}

/** The exhaustiveness check at the end of every `switch` over a discriminated union. */
export function assertNever(value: never, what: string): never {
  throw new Error(`assertion failed: unexpected ${what} ${JSON.stringify(value)}`);
}
