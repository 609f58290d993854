// Transfer rates as people write them (`5MB/s`, `5MiB/s`, `40Mbit/s`, `40Mbps`) and as the
// app shows them: the one grammar of the bandwidth cap, shared by the contract (so the
// renderer checks a cap as the engine does), the settings file and `--max-rate`. Plain
// TypeScript, no imports. SI prefixes are decimal (MB = 10^6 bytes, Mbit = 10^6 bits), as
// network speeds are sold; KiB, MiB and GiB are binary.

/** Bytes per second of one of each unit. */
export const RATE_UNITS = {
  'B/s': 1,
  'kB/s': 1e3,
  'MB/s': 1e6,
  'GB/s': 1e9,
  'KiB/s': 1024,
  'MiB/s': 1024 ** 2,
  'GiB/s': 1024 ** 3,
  'bit/s': 1 / 8,
  'kbit/s': 1e3 / 8,
  'Mbit/s': 1e6 / 8,
  'Gbit/s': 1e9 / 8,
} as const;

export type RateUnit = keyof typeof RATE_UNITS;

/** Below this a part of a few MiB would take hours: a cap is at least 1 kB/s. */
export const MIN_RATE_BYTES_PER_SECOND = 1000;
/** More than any link carries (8 Tbit/s); a larger number is a typo. */
export const MAX_RATE_BYTES_PER_SECOND = 1e12;

export const RATE_EXAMPLES =
  'A rate is a number with a unit per second, e.g. 5MB/s, 5MiB/s, 500kB/s, 40Mbit/s or ' +
  '40Mbps; 0, off or unlimited for no cap.';

export type ParsedRate =
  | {
      ok: true;
      /** null: no cap. */
      bytesPerSecond: number | null;
      /** The unit it was given in (null for no cap), to show speeds next to it alike. */
      unit: RateUnit | null;
      /** As the app writes it back: "5 MB/s", "40 Mbit/s", "unlimited". */
      text: string;
    }
  | { ok: false; message: string };

const NO_CAP = /^(?:0+(?:\.0*)?|off|unlimited|none)$/i;
const NUMBER_AND_UNIT = /^(\d+(?:\.\d+)?|\.\d+)\s*(.*)$/;
// The prefix's case does not matter (`KB/s` is kB/s); the B of bytes and the b of bits do.
const BYTES = /^([kKmMgG][iI]?)?B\/s$/;
const BITS = /^([kKmMgG])?(?:[bB][iI][tT]\/s|bps)$/;
/** `Mb/s`, `MBps`: people write both for bits and for bytes. */
const AMBIGUOUS = /^([kKmMgG][iI]?)?(?:b\/s|bs|Bps)$/;
/** `5MB`, `5M`: an amount without "per second". */
const AMOUNT = /^([kKmMgG][iI]?)?(?:b|bits?|bytes?)?$/i;

const BYTE_UNITS: Record<string, RateUnit> = {
  '': 'B/s',
  k: 'kB/s',
  m: 'MB/s',
  g: 'GB/s',
  ki: 'KiB/s',
  mi: 'MiB/s',
  gi: 'GiB/s',
};
const BIT_UNITS: Record<string, RateUnit> = { '': 'bit/s', k: 'kbit/s', m: 'Mbit/s', g: 'Gbit/s' };

function refused(why: string): ParsedRate {
  return { ok: false, message: `${why}. ${RATE_EXAMPLES}` };
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** Reads a rate as a person writes it; a refusal says what was wrong and shows examples. */
export function parseRate(input: string): ParsedRate {
  const text = typeof input === 'string' ? input.trim() : '';
  if (text === '') return refused('No rate was given');
  if (NO_CAP.test(text)) return { ok: true, bytesPerSecond: null, unit: null, text: 'unlimited' };
  const match = NUMBER_AND_UNIT.exec(text);
  if (match === null) {
    return refused(
      /^-/.test(text)
        ? `${quoted(text)} is not a rate: a cap cannot be negative`
        : `${quoted(text)} is not a rate: it does not start with a number`,
    );
  }
  const [, digits, rest] = match as unknown as [string, string, string];
  const number = Number(digits);
  const unitText = rest.replace(/\s+/g, '');
  if (unitText === '') {
    return refused(
      `${quoted(text)} has no unit: write ${digits}MB/s for megabytes, or ${digits}Mbit/s`,
    );
  }
  if (/^,\d/.test(unitText)) {
    return refused(
      `${quoted(text)} has a comma: write decimals with a point, as in ${text.replace(',', '.')}`,
    );
  }
  const bytes = BYTES.exec(unitText);
  const bits = bytes ? null : BITS.exec(unitText);
  if (!bytes && !bits) {
    const ambiguous = AMBIGUOUS.exec(unitText);
    if (ambiguous) {
      const prefix = ambiguous[1] ?? '';
      return refused(
        `${quoted(text)} is ambiguous (bits or bytes?): write ${digits}${prefix}B/s for bytes ` +
          `or ${digits}${prefix}bit/s for bits`,
      );
    }
    if (AMOUNT.test(unitText)) {
      return refused(`${quoted(text)} is an amount, not a rate: add "/s", as in ${text}/s`);
    }
    return refused(`${quoted(text)} has a unit this app does not know (${quoted(unitText)})`);
  }
  if (number === 0) return { ok: true, bytesPerSecond: null, unit: null, text: 'unlimited' };
  const prefix = ((bytes ?? bits)![1] ?? '').toLowerCase();
  const unit = (bits ? BIT_UNITS : BYTE_UNITS)[prefix]!;
  const bytesPerSecond = Math.round(number * RATE_UNITS[unit]);
  if (bytesPerSecond < MIN_RATE_BYTES_PER_SECOND) {
    return refused(
      `${quoted(text)} is too slow for a cap (a part would take hours): give at least 1kB/s ` +
        '(8kbit/s), or 0 for no cap',
    );
  }
  if (bytesPerSecond > MAX_RATE_BYTES_PER_SECOND) {
    return refused(`${quoted(text)} is more than any link carries: give at most 1000GB/s`);
  }
  return { ok: true, bytesPerSecond, unit, text: `${number} ${unit}` };
}

function rounded(value: number): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return String(Number(value.toFixed(digits)));
}

/**
 * A rate for people: in `unit` when given (a speed shown next to a cap reads in the cap's
 * unit), else in kB/s, MB/s or GB/s; null is "unlimited".
 */
export function formatRate(bytesPerSecond: number | null, unit?: RateUnit | null): string {
  if (bytesPerSecond === null) return 'unlimited';
  if (unit) return `${rounded(bytesPerSecond / RATE_UNITS[unit])} ${unit}`;
  const auto: RateUnit =
    bytesPerSecond >= 1e9
      ? 'GB/s'
      : bytesPerSecond >= 1e6
        ? 'MB/s'
        : bytesPerSecond >= 1e3
          ? 'kB/s'
          : 'B/s';
  return `${rounded(bytesPerSecond / RATE_UNITS[auto])} ${auto}`;
}
