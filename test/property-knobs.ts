/**
 * The environment knobs of the property tests: fixed seeds and run counts in CI, more on demand
 * (`ETCDLAB_PROPERTY_RUNS=500`, `ETCDLAB_PROPERTY_SEED=7`). A bad value fails loudly.
 */
export function integerFromEnvironment(name: string, fallback: number, minimum: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < minimum) throw new Error(`${name} must be an integer of at least ${minimum} (got '${text}')`);
  return value;
}
