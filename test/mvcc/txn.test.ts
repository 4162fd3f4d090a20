import { describe, expect, test } from "vitest";
import {
  checkDeleteRangeRequest,
  checkPutRequest,
  checkRangeRequest,
  checkRequestSize,
  checkTxnRequest,
  type Compare,
  etcdErrors,
  MvccStore,
  type RangeRequest,
  raftRequestSize,
  type RequestOp,
  type SortOrder,
  type TxnRequest,
} from "../../src/mvcc/index.js";
import { expectFailure, get, kv, put, unwrap } from "./helpers.js";

const putOp = (key: string, value = ""): RequestOp => ({ type: "put", request: { key, value } });
const deleteOp = (key: string, rangeEnd?: string): RequestOp => ({ type: "deleteRange", request: { key, rangeEnd } });
const rangeOp = (request: RangeRequest): RequestOp => ({ type: "range", request });
const txnOp = (request: TxnRequest): RequestOp => ({ type: "txn", request });

function succeeds(store: MvccStore, compare: Compare): boolean {
  return unwrap(store.txn({ compare: [compare] })).succeeded;
}

describe("§3.3 compares", () => {
  test("a missing key compares as zero, except VALUE which is always false", () => {
    const store = new MvccStore();
    expect(succeeds(store, { target: "CREATE", result: "EQUAL", key: "k", createRevision: 0 })).toBe(true);
    expect(succeeds(store, { target: "VERSION", result: "EQUAL", key: "k", version: 0 })).toBe(true);
    expect(succeeds(store, { target: "MOD", result: "EQUAL", key: "k", modRevision: 0 })).toBe(true);
    expect(succeeds(store, { target: "MOD", result: "LESS", key: "k", modRevision: 5 })).toBe(true);
    expect(succeeds(store, { target: "LEASE", result: "EQUAL", key: "k" })).toBe(true);
    expect(succeeds(store, { target: "VALUE", result: "EQUAL", key: "k", value: "" })).toBe(false);
    expect(succeeds(store, { target: "VALUE", result: "NOT_EQUAL", key: "k", value: "x" })).toBe(false);
  });

  test("VALUE compares bytes; every result kind on an existing key", () => {
    const store = new MvccStore();
    put(store, "k", "b");
    put(store, "k", "b");
    expect(succeeds(store, { target: "VALUE", result: "GREATER", key: "k", value: "a" })).toBe(true);
    expect(succeeds(store, { target: "VALUE", result: "LESS", key: "k", value: "ba" })).toBe(true);
    expect(succeeds(store, { target: "VALUE", result: "EQUAL", key: "k", value: "b" })).toBe(true);
    expect(succeeds(store, { target: "VERSION", result: "EQUAL", key: "k", version: 2 })).toBe(true);
    expect(succeeds(store, { target: "VERSION", result: "NOT_EQUAL", key: "k", version: 2 })).toBe(false);
    expect(succeeds(store, { target: "CREATE", result: "EQUAL", key: "k", createRevision: 2 })).toBe(true);
    expect(succeeds(store, { target: "MOD", result: "GREATER", key: "k", modRevision: 2 })).toBe(true);
    expect(succeeds(store, { target: "MOD", result: "LESS", key: "k", modRevision: 3 })).toBe(false);
  });

  test("TestV3TxnRangeCompare: every key of the range must satisfy the compare", () => {
    const store = new MvccStore();
    for (const key of ["/a/2", "/a/3", "/a/4", "/f/5"]) put(store, key);
    expect(succeeds(store, { target: "CREATE", result: "LESS", key: "/a/", rangeEnd: "\x00", createRevision: 6 })).toBe(true);
    expect(succeeds(store, { target: "CREATE", result: "LESS", key: "/a/", rangeEnd: "\x00", createRevision: 5 })).toBe(false);
    expect(succeeds(store, { target: "CREATE", result: "LESS", key: "/a/", rangeEnd: "/a0", createRevision: 5 })).toBe(true);
    expect(succeeds(store, { target: "CREATE", result: "LESS", key: "/a/", rangeEnd: "/a0", createRevision: 4 })).toBe(false);
    expect(succeeds(store, { target: "VALUE", result: "EQUAL", key: "/b/", rangeEnd: "/b0", value: "x" })).toBe(false);
    expect(succeeds(store, { target: "LEASE", result: "GREATER", key: "/a/", rangeEnd: "/a0", lease: 0 })).toBe(false);
    expect(succeeds(store, { target: "LEASE", result: "EQUAL", key: "/a/", rangeEnd: "/a0", lease: 0 })).toBe(true);
  });

  test("the failure branch runs when a compare fails; the response lists its ops", () => {
    const store = new MvccStore();
    put(store, "k", "v");
    const response = unwrap(
      store.txn({ compare: [{ target: "VALUE", result: "EQUAL", key: "k", value: "other" }], success: [putOp("k", "x")], failure: [rangeOp({ key: "k" })] }),
    );
    expect(response).toEqual({
      header: { revision: 2 },
      succeeded: false,
      responses: [{ type: "range", response: { header: { revision: 2 }, kvs: [kv("k", "v", 2, 2, 1)], more: false, count: 1 } }],
    });
  });
});

describe("txn revisions (TestV3TxnRevision)", () => {
  test("read-only txns and no-op deletes keep the revision; writes take exactly one", () => {
    const store = new MvccStore();
    put(store, "a", "1");
    expect(unwrap(store.txn({ success: [rangeOp({ key: "a" })] })).header.revision).toBe(2);
    expect(unwrap(store.txn({ success: [deleteOp("missing")] })).header.revision).toBe(2);
    expect(unwrap(store.txn({ success: [putOp("a", "2"), putOp("b", "1"), deleteOp("c")] })).header.revision).toBe(3);
    expect(store.currentRevision).toBe(3);
    expect(get(store, "a")).toEqual(kv("a", "2", 2, 3, 2));
    expect(get(store, "b")).toEqual(kv("b", "1", 3, 3, 1));
    expect(store.snapshot().records.slice(1).map((record) => [record[0], record[1], record[2]])).toEqual([
      [3, 0, "a"],
      [3, 1, "b"],
    ]);
  });

  test("reads inside a write txn see the txn's own earlier writes", () => {
    const store = new MvccStore();
    const response = unwrap(store.txn({ success: [putOp("a", "1"), rangeOp({ key: "a" })] }));
    expect(response.responses[1]).toEqual({ type: "range", response: { header: { revision: 2 }, kvs: [kv("a", "1", 2, 2, 1)], more: false, count: 1 } });
  });

  test("nested txns: compares see the state before the txn; nested headers are not meaningful", () => {
    const store = new MvccStore();
    const response = unwrap(
      store.txn({
        success: [
          putOp("a", "1"),
          txnOp({ compare: [{ target: "VERSION", result: "EQUAL", key: "a", version: 0 }], success: [putOp("b", "then")], failure: [putOp("b", "else")] }),
        ],
      }),
    );
    expect(get(store, "b")?.value).toBe("then");
    expect(response.header.revision).toBe(2);
    expect(response.responses[1]).toEqual({ type: "txn", response: { header: { revision: 0 }, succeeded: true, responses: [{ type: "put", response: { header: { revision: 2 } } }] } });
  });
});

describe("nested txns", () => {
  test("each nested txn takes its own branch; the path is consumed in order across levels", () => {
    const store = new MvccStore();
    put(store, "x", "1");
    const exists: Compare = { target: "VERSION", result: "GREATER", key: "x", version: 0 };
    const missing: Compare = { target: "VERSION", result: "GREATER", key: "y", version: 0 };
    const response = unwrap(
      store.txn({
        compare: [missing],
        success: [putOp("never")],
        failure: [
          txnOp({ compare: [exists], success: [putOp("a", "first-then"), txnOp({ compare: [missing], success: [putOp("never2")], failure: [putOp("b", "inner-else")] })], failure: [putOp("never3")] }),
          txnOp({ compare: [missing], success: [putOp("never4")], failure: [rangeOp({ key: "a", rangeEnd: "c" })] }),
        ],
      }),
    );
    expect(response.succeeded).toBe(false);
    expect(response.header.revision).toBe(3);
    const second = response.responses[1];
    expect(second?.type === "txn" && second.response.succeeded).toBe(false);
    expect(second?.type === "txn" && second.response.responses[0]).toEqual({
      type: "range",
      response: { header: { revision: 3 }, kvs: [kv("a", "first-then", 3, 3, 1), kv("b", "inner-else", 3, 3, 1)], more: false, count: 2 },
    });
    expect(get(store, "never")).toBeUndefined();
  });
});

describe("checkTxn: a failing txn writes nothing (TestV3TxnInvalidRange)", () => {
  test("a range at a future revision fails the whole txn", () => {
    const store = new MvccStore();
    put(store, "a", "1");
    expectFailure(store.txn({ success: [putOp("b", "1"), rangeOp({ key: "a", revision: 100 })] }), etcdErrors.futureRevision);
    expect(store.currentRevision).toBe(2);
    expect(get(store, "b")).toBeUndefined();
  });

  test("a range below the compact revision fails the whole txn", () => {
    const store = new MvccStore();
    put(store, "a", "1");
    put(store, "a", "2");
    unwrap(store.compact({ revision: 2 }));
    expectFailure(store.txn({ success: [putOp("b", "1"), rangeOp({ key: "a", revision: 1 })] }), etcdErrors.compacted);
    expect(unwrap(store.txn({ success: [rangeOp({ key: "a", revision: 2 })] })).responses).toHaveLength(1);
    expect(store.currentRevision).toBe(3);
  });

  test("as in etcd, a negative range revision in a txn is compacted once the store was compacted", () => {
    const store = new MvccStore();
    put(store, "a", "1");
    expect(store.txn({ success: [rangeOp({ key: "a", revision: -1 })] }).ok).toBe(true);
    unwrap(store.compact({ revision: 2 }));
    expectFailure(store.txn({ success: [rangeOp({ key: "a", revision: -1 })] }), etcdErrors.compacted);
    expect(store.range({ key: "a", revision: -1 }).ok).toBe(true);
  });

  test("an unknown lease and ignore_value on a missing key fail before any write, only on the chosen branch", () => {
    const store = new MvccStore();
    expectFailure(store.txn({ success: [putOp("a"), { type: "put", request: { key: "b", lease: 9 } }] }), etcdErrors.leaseNotFound);
    expectFailure(store.txn({ success: [putOp("a"), { type: "put", request: { key: "b", ignoreValue: true } }] }), etcdErrors.keyNotFound);
    expectFailure(store.txn({ success: [txnOp({ success: [{ type: "put", request: { key: "b", lease: 9 } }] })] }), etcdErrors.leaseNotFound);
    expect(store.currentRevision).toBe(1);
    expect(unwrap(store.txn({ compare: [{ target: "VERSION", result: "EQUAL", key: "x", version: 1 }], success: [{ type: "put", request: { key: "b", lease: 9 } }] })).succeeded).toBe(false);
  });
});

describe("API validation (v3rpc/key.go)", () => {
  test("empty keys, invalid sort options, value or lease provided with ignore_*", () => {
    expect(checkRangeRequest({ key: "" })).toBe(etcdErrors.emptyKey);
    expect(checkRangeRequest({ key: "a", sortOrder: "SIDEWAYS" as SortOrder })).toBe(etcdErrors.invalidSortOption);
    expect(checkRangeRequest({ key: "a", sortOrder: "DESCEND", sortTarget: "MOD" })).toBeUndefined();
    expect(checkPutRequest({ key: "" })).toBe(etcdErrors.emptyKey);
    expect(checkPutRequest({ key: "a", ignoreValue: true, value: "v" })).toBe(etcdErrors.valueProvided);
    expect(checkPutRequest({ key: "a", ignoreLease: true, lease: 5 })).toBe(etcdErrors.leaseProvided);
    expect(checkPutRequest({ key: "a", ignoreValue: true, ignoreLease: true })).toBeUndefined();
    expect(checkDeleteRangeRequest({ key: "" })).toBe(etcdErrors.emptyKey);
    expect(checkTxnRequest({ compare: [{ target: "VERSION", result: "EQUAL", key: "" }] })).toBe(etcdErrors.emptyKey);
    expect(checkTxnRequest({ success: [txnOp({ failure: [putOp("")] })] })).toBe(etcdErrors.emptyKey);
    expect(etcdErrors.valueProvided.message).toBe("etcdserver: value is provided");
    expect(etcdErrors.emptyKey.code).toBe(3);
  });

  test("TestV3TxnTooManyOps: each list may hold 128; 129 of any kind is too many", () => {
    const many = (count: number, prefix = "key"): RequestOp[] => Array.from({ length: count }, (_, index) => putOp(`${prefix}${index}`));
    const compares = (count: number): Compare[] => Array.from({ length: count }, (_, index) => ({ target: "VERSION", result: "EQUAL", key: `key${index}` }));
    expect(checkTxnRequest({ compare: compares(128), success: many(128), failure: many(128) })).toBeUndefined();
    expect(checkTxnRequest({ compare: compares(129) })).toBe(etcdErrors.tooManyOperations);
    expect(checkTxnRequest({ success: many(129) })).toBe(etcdErrors.tooManyOperations);
    expect(checkTxnRequest({ failure: many(129) })).toBe(etcdErrors.tooManyOperations);
    // the outer list holds 101 ops, so a nested txn may hold 128 - 101 = 27
    expect(checkTxnRequest({ success: [...many(100), txnOp({ success: many(27, "nested") })] })).toBeUndefined();
    expect(checkTxnRequest({ success: [...many(100), txnOp({ success: many(28, "nested") })] })).toBe(etcdErrors.tooManyOperations);
    expect(etcdErrors.tooManyOperations.message).toBe("etcdserver: too many operations in txn request");
  });

  test("§3.3 TestV3TxnDuplicateKeys", () => {
    const putAbc = putOp("abc");
    const delAbc = deleteOp("abc");
    const delAToB = deleteOp("a", "b");
    const delAbbToAbc = deleteOp("abb", "abc");
    const txnPutBoth = txnOp({ success: [putAbc], failure: [putAbc] });
    const cases: Array<[RequestOp[], boolean]> = [
      [[putAbc, putAbc], true],
      [[putAbc, delAbc], true],
      [[putAbc, delAToB], true],
      [[putAbc, txnOp({ success: [delAToB] })], true],
      [[delAToB, txnOp({ success: [putAbc] })], true],
      [[txnPutBoth, txnPutBoth], true],
      [[delAbbToAbc, txnPutBoth], false],
      [[txnOp({ success: [delAToB] }), txnOp({ success: [delAToB], failure: [delAToB] })], false],
      [[delAbc, delAToB, delAbc, delAToB], false],
      [[putAbc, delAbbToAbc], false],
    ];
    for (const [success, duplicate] of cases) {
      expect(checkTxnRequest({ success })).toBe(duplicate ? etcdErrors.duplicateKey : undefined);
      expect(checkTxnRequest({ failure: success })).toBe(duplicate ? etcdErrors.duplicateKey : undefined);
    }
    expect(checkTxnRequest({ success: [putAbc], failure: [putAbc] })).toBeUndefined();
  });

  test("as in etcd's interval check, a from-key delete (end \\x00) never clashes with a put", () => {
    expect(checkTxnRequest({ success: [putOp("abc"), deleteOp("a", "\x00")] })).toBeUndefined();
  });

  test("TestV3TooLargeRequest: the marshaled raft request is limited to 1.5 MiB", () => {
    expect(checkRequestSize({ type: "put", request: { key: "foo", value: "x".repeat(1624 * 1024) } })).toBe(etcdErrors.requestTooLarge);
    expect(checkRequestSize({ type: "put", request: { key: "foo", value: "x".repeat(1024 * 1024) } })).toBeUndefined();
    expect(raftRequestSize({ type: "put", request: { key: "foo", value: "bar" } })).toBe(14 + 2 + 10);
    const txn = { type: "txn" as const, request: { compare: [{ target: "VALUE" as const, result: "EQUAL" as const, key: "a", value: "b" }], success: [putOp("a", "c")] } };
    expect(raftRequestSize(txn)).toBe(14 + 2 + (2 + 8) + (2 + 2 + 6));
    expect(etcdErrors.requestTooLarge.message).toBe("etcdserver: request is too large");
  });
});
