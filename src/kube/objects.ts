/**
 * Kubernetes objects as JSON values, and how they are stored in etcd.
 *
 * The stored value is the object's JSON without `metadata.resourceVersion` (the API server clears
 * it before writing, `PrepareObjectForStorage`); an object read back gets its key's `mod_revision`
 * as its resourceVersion. Metadata fields keep ObjectMeta's field order, so stored bytes and
 * printed JSON are stable.
 */
import type { Micros } from "../sim/time.js";
import { daysFromCivil, unixSecondsOf, utcTimestamp, VIRTUAL_EPOCH_DAYS } from "../sim/calendar.js";
import { textFromBytes } from "../mvcc/bytes.js";

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

export interface ObjectMeta {
  readonly name: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
}

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: Json | ObjectMeta | undefined;
}

const META_ORDER: readonly (keyof ObjectMeta)[] = ["name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "labels", "annotations", "ownerReferences"];

/** The metadata in ObjectMeta's field order, without absent fields. */
export function orderedMeta(meta: ObjectMeta): ObjectMeta {
  const ordered: Record<string, unknown> = {};
  for (const field of META_ORDER) if (meta[field] !== undefined) ordered[field] = meta[field];
  return ordered as unknown as ObjectMeta;
}

/** The object with apiVersion, kind and metadata first, the metadata ordered, and a new resourceVersion (none when undefined). */
export function withResourceVersion(object: KubeObject, resourceVersion: string | undefined): KubeObject {
  const { apiVersion, kind, metadata, ...rest } = object;
  const { resourceVersion: _old, ...meta } = metadata;
  const next = resourceVersion === undefined ? meta : { ...meta, resourceVersion };
  return { apiVersion, kind, metadata: orderedMeta(next as ObjectMeta), ...rest } as KubeObject;
}

/** The bytes stored in etcd: the JSON without resourceVersion. */
export function encodeForStorage(object: KubeObject): string {
  return JSON.stringify(withResourceVersion(object, undefined));
}

/** An object read from etcd, with its key's mod_revision as resourceVersion. */
export function decodeFromStorage(value: string, modRevision: number): KubeObject {
  return withResourceVersion(JSON.parse(value) as KubeObject, String(modRevision));
}

/**
 * Objects decoded from etcd, by key, for one API server: the scheduler, the kubelets and the
 * controllers list the same unchanged objects every second, and each list would parse them all
 * again. An entry is used only for the same stored value at the same mod_revision. The objects are
 * shared between answers, so nothing may change them (nothing does: updates and patches copy).
 */
export class DecodedObjects {
  private readonly byKey = new Map<string, { readonly value: string; readonly modRevision: number; readonly object: KubeObject }>();

  /** `decodeFromStorage` of an etcd key-value, parsed once while the key keeps that value. */
  decode(kv: { readonly key: string; readonly value: string; readonly modRevision: number }): KubeObject {
    const cached = this.byKey.get(kv.key);
    if (cached !== undefined && cached.modRevision === kv.modRevision && cached.value === kv.value) return cached.object;
    const object = decodeFromStorage(textFromBytes(kv.value), kv.modRevision);
    // Keys deleted long ago would stay for ever: a bound, past which it starts afresh.
    if (cached === undefined && this.byKey.size >= DECODED_OBJECTS_MAX) this.byKey.clear();
    this.byKey.set(kv.key, { value: kv.value, modRevision: kv.modRevision, object });
    return object;
  }
}

const DECODED_OBJECTS_MAX = 10_000;

/** RFC 3339 in UTC at second precision, as metav1.Time marshals: `2024-01-01T00:00:05Z` (virtual time 0 is 2024-01-01). */
export function timestampAt(nowUs: Micros): string {
  return utcTimestamp(unixSecondsOf(nowUs));
}

/** Seconds of virtual time since the epoch, from a timestamp made by `timestampAt` (undefined if unreadable). */
export function secondsOfTimestamp(timestamp: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(timestamp);
  if (match === null) return undefined;
  const [year, month, day, hours, minutes, seconds] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  return (daysFromCivil(year, month, day) - VIRTUAL_EPOCH_DAYS) * 86_400 + hours * 3600 + minutes * 60 + seconds;
}

/** A v4-style UUID from 128 seeded random bits. */
export function uuidFrom(next32: () => number): string {
  const hex = (value: number): string => (value >>> 0).toString(16).padStart(8, "0");
  const words = [next32(), next32(), next32(), next32()];
  const text = words.map(hex).join("");
  const variant = ((parseInt(text[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-4${text.slice(13, 16)}-${variant}${text.slice(17, 20)}-${text.slice(20, 32)}`;
}

/** `k8s.io/apimachinery/pkg/util/rand` alphabet for generated name suffixes (no vowels, no confusable digits). */
const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** `rand.String(n)` drawn from the seeded generator. */
export function randomSuffix(length: number, int: (n: number) => number): string {
  let text = "";
  for (let index = 0; index < length; index++) text += SAFE_ALPHABET[int(SAFE_ALPHABET.length)];
  return text;
}

/** `rand.SafeEncodeString(fmt.Sprint(hash))`: each digit mapped into the safe alphabet. */
export function safeEncode(text: string): string {
  let out = "";
  for (const char of text) out += SAFE_ALPHABET[char.charCodeAt(0) % SAFE_ALPHABET.length];
  return out;
}

/** 32-bit FNV-1a of a string, as the pod-template-hash is computed (over our JSON, not Go's spew output). */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function isPlainObject(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch: objects merge key by key, `null` removes a key, anything else replaces. */
export function mergePatch<T>(target: T, patch: Json): T {
  if (!isPlainObject(patch)) return patch as T;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result as T;
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, index) => jsonEqual(item, right[index]));
  }
  if (!isPlainObject(left) || !isPlainObject(right)) return false;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => key in right && jsonEqual(left[key], right[key]));
}
