/**
 * Calendar date windows, on YYYY-MM-DD strings (which order as dates), never through a clock or a time zone.
 *
 * "Within N years before the application" is, once for every rule of a rulebook/2: from the same day N years
 * earlier to the application date, both inclusive; the same day of a year without 29 February is 28 February
 * (so 2024-02-29 looks back to 2021-02-28). rulebook/1 was evaluated with JavaScript's Date.UTC, which rolls a
 * missing 29 February over to 1 March; that stays, for rulebook/1 only, so its evaluations reproduce.
 */
export type WindowRule = "calendar" | "legacy";

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** The same calendar day `years` years before `isoDate`, 29 February → 28 February. */
export function sameDayYearsBefore(isoDate: string, years: number): string {
  const y = Number(isoDate.slice(0, 4)) - years;
  let md = isoDate.slice(5);
  if (md === "02-29" && !isLeap(y)) md = "02-28";
  return `${String(y).padStart(4, "0")}-${md}`;
}

function legacyStart(reference: string, years: number): string {
  const ref = new Date(`${reference}T00:00:00Z`);
  return new Date(Date.UTC(ref.getUTCFullYear() - years, ref.getUTCMonth(), ref.getUTCDate())).toISOString().slice(0, 10);
}

/** The first day of the window of `years` years ending on `reference`. */
export function windowStart(reference: string, years: number, rule: WindowRule): string {
  return rule === "calendar" ? sameDayYearsBefore(reference, years) : legacyStart(reference, years);
}

/** Whether `date` lies within the `years` years before `reference`, both ends inclusive. */
export function withinYears(date: string, reference: string, years: number, rule: WindowRule): boolean {
  return date >= windowStart(reference, years, rule) && date <= reference;
}
