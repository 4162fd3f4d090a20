/**
 * Password hashes and simple-token prefixes, deterministic stand-ins for etcd's bcrypt and
 * `crypto/rand`.
 *
 * etcd hashes a password with bcrypt in the API layer before proposing `AuthUserAdd` or
 * `AuthUserChangePassword`, so the Raft log never holds a plain password; the member does the same
 * with `hashPassword`. The hash is `sha256$<salt>$<digest>` (hex): the salt is the SHA-256 of the
 * user name, so one password gives one hash per user, the same on every run.
 *
 * A simple token is `<16 letters>.<index of the Authenticate entry>`; the proposing member draws
 * the letters (etcd `genTokenPrefix`) with `tokenPrefix` from its seeded generator.
 */
import { createHash } from "node:crypto";
import { bytesFromText } from "../../mvcc/bytes.js";
import { assert } from "../../mvcc/errors.js";

const hashScheme = "sha256";
const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const simpleTokenPrefixLength = 16;

function sha256Hex(bytes: string): string {
  return createHash("sha256").update(Buffer.from(bytes, "latin1")).digest("hex");
}

function saltFor(name: string): string {
  return sha256Hex(`etcdlab password salt\x00${bytesFromText(name)}`).slice(0, 32);
}

function digest(salt: string, password: string): string {
  return sha256Hex(`${salt}\x00${bytesFromText(password)}`);
}

/** The stored hash of a user's password. */
export function hashPassword(name: string, password: string): string {
  const salt = saltFor(name);
  return `${hashScheme}$${salt}$${digest(salt, password)}`;
}

/** Whether `password` matches a stored hash (bcrypt's CompareHashAndPassword). */
export function passwordMatches(hashed: string, password: string): boolean {
  const [scheme, salt, expected, ...rest] = hashed.split("$");
  if (scheme !== hashScheme || salt === undefined || expected === undefined || rest.length > 0) return false;
  return digest(salt, password) === expected;
}

/** 16 letters drawn from a generator of unsigned 32-bit integers (etcd `genTokenPrefix`). */
export function tokenPrefix(nextUint32: () => number): string {
  let prefix = "";
  for (let index = 0; index < simpleTokenPrefixLength; index++) {
    const value = nextUint32();
    assert(Number.isInteger(value) && value >= 0 && value < 2 ** 32, "token prefix generator must yield unsigned 32-bit integers");
    prefix += letters[value % letters.length];
  }
  return prefix;
}
