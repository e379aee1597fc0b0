/**
 * The value spaces of the XSD builtins that WCF data contracts use, written once: the codec checks what the caller
 * sends and the server answers against them, and the simulator validates requests with the same facts.
 */

/** Integer builtins and their bounds (undefined: unbounded). */
export const INTEGER_RANGES: Readonly<Record<string, readonly [bigint | undefined, bigint | undefined]>> = {
  byte: [-128n, 127n],
  short: [-32768n, 32767n],
  int: [-2147483648n, 2147483647n],
  long: [-9223372036854775808n, 9223372036854775807n],
  unsignedByte: [0n, 255n],
  unsignedShort: [0n, 65535n],
  unsignedInt: [0n, 4294967295n],
  unsignedLong: [0n, 18446744073709551615n],
  integer: [undefined, undefined],
  nonNegativeInteger: [0n, undefined],
  positiveInteger: [1n, undefined],
  nonPositiveInteger: [undefined, 0n],
  negativeInteger: [undefined, -1n],
};

/** The integer builtins every value of which a JS number holds exactly (the SDK maps them to `number`). */
export const NUMBER_INTEGERS: ReadonlySet<string> = new Set(['byte', 'short', 'int', 'unsignedByte', 'unsignedShort', 'unsignedInt']);

export const INTEGER = /^[+-]?\d+$/;
export const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
export const DOUBLE = /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN)$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** xs:dateTime's lexical form, its parts captured. */
const DATE_TIME = /^(-?\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|([+-])(\d\d):(\d\d))?$/;

/** An xs:dateTime by its lexical form and its calendar: month 1-12, a day the month has, 24:00:00 only as midnight. */
export function isDateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1) return false;
  if (day > (month === 2 && !leap(year) ? 28 : DAYS_IN_MONTH[month - 1])) return false;
  if (minute > 59 || second > 59) return false;
  if (hour > 24 || (hour === 24 && (minute > 0 || second > 0 || /[1-9]/.test(m[7] ?? '')))) return false;
  return m[10] === undefined || (Number(m[10]) <= 14 && Number(m[11]) <= 59);
}
