/**
 * Virtual time on a wall clock: the lab's clock 0 is 2024-01-01T00:00:00Z, for every printed time
 * (etcd's log lines, snapshot restore times, Kubernetes creationTimestamps), so that one run tells
 * one consistent story. Proleptic Gregorian dates from day counts (Howard Hinnant's algorithms).
 */

/** Virtual time 0 as days since 1970-01-01: 2024-01-01. */
export const VIRTUAL_EPOCH_DAYS = 19_723;

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The date of a day counted from 1970-01-01. */
export function civilFromDays(days: number): CivilDate {
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Days since 1970-01-01 of a date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Whole seconds since the Unix epoch as RFC 3339 in UTC; `fraction` (e.g. `.000005`) goes before the Z. */
export function utcTimestamp(unixSeconds: number, fraction = ""): string {
  const days = Math.floor(unixSeconds / 86_400);
  const rest = unixSeconds - days * 86_400;
  const { year, month, day } = civilFromDays(days);
  const two = (value: number): string => String(value).padStart(2, "0");
  const clock = `${two(Math.floor(rest / 3600))}:${two(Math.floor((rest % 3600) / 60))}:${two(rest % 60)}`;
  return `${String(year).padStart(4, "0")}-${two(month)}-${two(day)}T${clock}${fraction}Z`;
}

/** Seconds since the Unix epoch of a virtual time (µs), whole seconds. */
export function unixSecondsOf(timeUs: number): number {
  return VIRTUAL_EPOCH_DAYS * 86_400 + Math.floor(timeUs / 1_000_000);
}
