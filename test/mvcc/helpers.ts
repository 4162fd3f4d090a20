/** Shared helpers of the MVCC tests: unwrapping results and short request builders. */
import { expect } from "vitest";
import type { EtcdError, KeyValue, MvccStore, Result } from "../../src/mvcc/index.js";

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`unexpected error: ${result.error.message}`);
  return result.value;
}

export function expectFailure<T>(result: Result<T>, error: EtcdError): void {
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.error.message).toBe(error.message);
    expect(result.error.code).toBe(error.code);
  }
}

export function kv(key: string, value: string, createRevision: number, modRevision: number, version: number, lease = 0): KeyValue {
  return { key, value, createRevision, modRevision, version, lease };
}

/** Puts and returns the header revision. */
export function put(store: MvccStore, key: string, value = "", lease = 0): number {
  return unwrap(store.put({ key, value, lease })).header.revision;
}

/** Deletes [key, rangeEnd) and returns [deleted, header revision]. */
export function del(store: MvccStore, key: string, rangeEnd?: string): [number, number] {
  const response = unwrap(store.deleteRange({ key, rangeEnd }));
  return [response.deleted, response.header.revision];
}

/** Single-key read at a revision (0 = latest): the KeyValue or undefined. */
export function get(store: MvccStore, key: string, revision = 0): KeyValue | undefined {
  return unwrap(store.range({ key, revision })).kvs[0];
}

export function keys(kvs: readonly KeyValue[]): string[] {
  return kvs.map((item) => item.key);
}
