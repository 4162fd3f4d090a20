/**
 * The backend quota (etcd `server/storage/quota.go`): what a write costs and whether it fits.
 *
 * Cost: a put is 256 (kvOverhead) + len(key) + len(value); a txn is the larger of the summed costs
 * of the puts directly in its success list and in its failure list (puts inside nested txns cost
 * nothing, as in etcd's `costTxn`); a lease grant is 64; everything else costs 0 and always fits.
 * A request fits when `dbSize + cost < quota`: strictly less, on the physical size.
 *
 * Quota bytes: 0 means the default of 2 GiB; a negative quota disables the check.
 */
import type { LeaseGrantRequest, PutRequest, RequestOp, TxnRequest } from "./types.js";

export const defaultQuotaBytes = 2 * 1024 * 1024 * 1024;
export const maxQuotaBytes = 8 * 1024 * 1024 * 1024;
export const kvOverheadBytes = 256;
export const leaseOverheadBytes = 64;

export type QuotaRequest =
  | { readonly type: "put"; readonly request: PutRequest }
  | { readonly type: "txn"; readonly request: TxnRequest }
  | { readonly type: "leaseGrant"; readonly request: LeaseGrantRequest };

export function putCost(request: PutRequest): number {
  return kvOverheadBytes + request.key.length + (request.value ?? "").length;
}

function branchCost(operations: readonly RequestOp[] | undefined): number {
  let cost = 0;
  for (const operation of operations ?? []) if (operation.type === "put") cost += putCost(operation.request);
  return cost;
}

export function txnCost(request: TxnRequest): number {
  return Math.max(branchCost(request.success), branchCost(request.failure));
}

export function quotaCost(request: QuotaRequest): number {
  switch (request.type) {
    case "put":
      return putCost(request.request);
    case "txn":
      return txnCost(request.request);
    case "leaseGrant":
      return leaseOverheadBytes;
  }
}

export class BackendQuota {
  /** The limit in bytes; Infinity when the quota is disabled. */
  readonly limitBytes: number;

  constructor(quotaBackendBytes = 0) {
    if (quotaBackendBytes < 0) this.limitBytes = Infinity;
    else this.limitBytes = quotaBackendBytes === 0 ? defaultQuotaBytes : quotaBackendBytes;
  }

  /** Whether a request of this cost fits in a database of `dbSize` bytes. */
  available(cost: number, dbSize: number): boolean {
    return cost === 0 || dbSize + cost < this.limitBytes;
  }

  remaining(dbSize: number): number {
    return this.limitBytes - dbSize;
  }
}
