// Polish statutory public holidays (Ustawa o dniach wolnych od pracy), including the movable ones.

/** Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

const key = (month: number, day: number) => `${month}-${day}`;

/** The public holidays of a year, as "month-day" keys. */
export function polishHolidays(year: number): Set<string> {
  const easter = easterSunday(year);
  const easterUtc = Date.UTC(year, easter.month - 1, easter.day);
  const afterEaster = (days: number) => {
    const d = new Date(easterUtc + days * 86_400_000);
    return key(d.getUTCMonth() + 1, d.getUTCDate());
  };
  const fixed = [
    key(1, 1), // New Year
    key(1, 6), // Epiphany
    key(5, 1), // Labour Day
    key(5, 3), // Constitution Day
    key(8, 15), // Assumption
    key(11, 1), // All Saints
    key(11, 11), // Independence Day
    key(12, 25),
    key(12, 26),
  ];
  if (year >= 2025) fixed.push(key(12, 24)); // Christmas Eve, a public holiday from 2025
  return new Set([
    ...fixed,
    afterEaster(0), // Easter Sunday
    afterEaster(1), // Easter Monday
    afterEaster(49), // Pentecost Sunday
    afterEaster(60), // Corpus Christi
  ]);
}

export function isPolishHoliday(year: number, month: number, day: number): boolean {
  return polishHolidays(year).has(key(month, day));
}
