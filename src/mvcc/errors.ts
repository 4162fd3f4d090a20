/**
 * Errors of the MVCC store, as values.
 *
 * Expected failures (a compacted revision, a future revision, an unknown lease, a full database)
 * are never thrown: operations return a `Result`, whose failure side carries an `EtcdError` with
 * the gRPC status code and the exact message a client of etcd would see
 * (`api/v3rpc/rpctypes/error.go`), e.g. code 11 (OutOfRange) and
 * `etcdserver: mvcc: required revision has been compacted`.
 *
 * Errors that only a bug can cause are assertions: `assert` throws
 * `Error("assertion failed: ...")` and the simulation stops.
 */

/** gRPC status codes (google.golang.org/grpc/codes). */
export const GrpcCode = {
  OK: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
} as const;

export type GrpcCodeName = keyof typeof GrpcCode;

/** An error a client can observe: a gRPC status code and etcd's exact message. */
export class EtcdError {
  readonly code: number;

  constructor(
    readonly codeName: GrpcCodeName,
    readonly message: string,
  ) {
    this.code = GrpcCode[codeName];
  }

  /** The form the docs show: `rpc error: code = 11 desc = etcdserver: ...`. */
  toGrpcString(): string {
    return `rpc error: code = ${this.code} desc = ${this.message}`;
  }

  toString(): string {
    return this.message;
  }
}

/** The errors the store and its validation helpers return, named after etcd's `ErrGRPC*`. */
export const etcdErrors = {
  emptyKey: new EtcdError("InvalidArgument", "etcdserver: key is not provided"),
  keyNotFound: new EtcdError("InvalidArgument", "etcdserver: key not found"),
  valueProvided: new EtcdError("InvalidArgument", "etcdserver: value is provided"),
  leaseProvided: new EtcdError("InvalidArgument", "etcdserver: lease is provided"),
  tooManyOperations: new EtcdError("InvalidArgument", "etcdserver: too many operations in txn request"),
  duplicateKey: new EtcdError("InvalidArgument", "etcdserver: duplicate key given in txn request"),
  invalidSortOption: new EtcdError("InvalidArgument", "etcdserver: invalid sort option"),
  requestTooLarge: new EtcdError("InvalidArgument", "etcdserver: request is too large"),
  compacted: new EtcdError("OutOfRange", "etcdserver: mvcc: required revision has been compacted"),
  futureRevision: new EtcdError("OutOfRange", "etcdserver: mvcc: required revision is a future revision"),
  noSpace: new EtcdError("ResourceExhausted", "etcdserver: mvcc: database space exceeded"),
  leaseNotFound: new EtcdError("NotFound", "etcdserver: requested lease not found"),
  leaseExists: new EtcdError("FailedPrecondition", "etcdserver: lease already exists"),
  leaseTtlTooLarge: new EtcdError("OutOfRange", "etcdserver: too large lease TTL"),
  corrupt: new EtcdError("DataLoss", "etcdserver: corrupt cluster"),
} as const;

/** Cancel reasons of watch creation failures (plain mvcc errors, not gRPC statuses). */
export const watchCancelReasons = {
  duplicateWatchId: "mvcc: duplicate watch ID provided on the WatchStream",
  emptyRange: "mvcc: watcher range is empty",
  compacted: etcdErrors.compacted.message,
} as const;

/** The outcome of an operation that can fail in an expected way. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: EtcdError };

export function success<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function failure<T>(error: EtcdError): Result<T> {
  return { ok: false, error };
}

/** An assertion: the executable specification. A failure is a bug, never a user error. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

/**
 * A failed assertion, for hot paths whose message is built from values: write
 * `if (!condition) assertionFailed(\`...\`)` so that the message is only built on failure.
 */
export function assertionFailed(message: string): never {
  throw new Error(`assertion failed: ${message}`);
}

/** The exhaustiveness check at the end of every `switch` over a discriminated union. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`assertion failed: unexpected ${what} ${JSON.stringify(value)}`);
}
