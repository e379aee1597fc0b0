/**
 * Input checks that run before anything is sent: bad input gets an InvalidInputError and nothing leaves the
 * process. Strings must be representable in XML 1.0 (no control characters, no lone surrogates), since a
 * server that cannot parse the envelope fails in ways that are far harder to diagnose.
 */
import { InvalidInputError } from './errors';
import type { OperationName } from './soap/operations';

// XML 1.0 Char production, minus surrogates handled separately below.
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export class InputValidator {
  constructor(private readonly operation: OperationName) {}

  fail(field: string, problem: string): never {
    throw new InvalidInputError(`${this.operation}: ${field} ${problem}`, {
      code: 'InvalidInput',
      operation: this.operation,
      requestSent: false,
      retryable: false,
    });
  }

  /** Validates a string for XML 1.0 and returns it. `secret` keeps the value itself out of the error message. */
  text(field: string, value: unknown, options: { required?: boolean; maxLength?: number } = {}): string | undefined {
    if (value === undefined || value === null) {
      if (options.required) this.fail(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'string') this.fail(field, `must be a string, got ${typeof value}`);
    if (options.required && value.length === 0) this.fail(field, 'must not be empty');
    if (NOT_XML_CHAR.test(value)) this.fail(field, 'contains a control character that XML 1.0 cannot carry');
    if (LONE_SURROGATE.test(value)) this.fail(field, 'contains a lone UTF-16 surrogate (not valid Unicode)');
    if (options.maxLength !== undefined && value.length > options.maxLength) this.fail(field, `is longer than ${options.maxLength} characters`);
    return value;
  }

  /** An Int32 within [min, max]. */
  int(field: string, value: unknown, options: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    if (value === undefined || value === null) {
      if (options.required) this.fail(field, 'is required');
      return undefined;
    }
    const min = options.min ?? -2147483648;
    const max = options.max ?? 2147483647;
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(field, 'must be an integer');
    if (value < min || value > max) this.fail(field, `must be between ${min} and ${max}, got ${value}`);
    return value;
  }

  /** An Int64 Uid given as a decimal string, bigint or safe integer; returned as a decimal string. */
  uid(field: string, value: unknown): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'bigint') value = value.toString();
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) this.fail(field, 'is a number beyond 2^53; pass Uids as strings or bigint');
      value = String(value);
    }
    if (typeof value !== 'string' || !/^-?\d{1,19}$/.test(value)) this.fail(field, 'must be a 64-bit integer (decimal string or bigint)');
    const big = BigInt(value);
    if (big > 9223372036854775807n || big < -9223372036854775808n) this.fail(field, 'is out of the Int64 range');
    return big.toString();
  }

  list<T>(field: string, value: unknown, options: { required?: boolean; max?: number } = {}): T[] | undefined {
    if (value === undefined || value === null) {
      if (options.required) this.fail(field, 'is required');
      return undefined;
    }
    if (!Array.isArray(value)) this.fail(field, 'must be an array');
    if (options.required && value.length === 0) this.fail(field, 'must not be empty');
    const max = options.max ?? 100;
    if (value.length > max) this.fail(field, `may hold at most ${max} items (Projector's limit), got ${value.length}`);
    return value as T[];
  }

  object(field: string, value: unknown): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'must be an object');
    return value as Record<string, unknown>;
  }
}
