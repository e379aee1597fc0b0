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
export const DATE_TIME = /^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/;
