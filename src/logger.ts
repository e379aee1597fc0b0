/**
 * Logging is off unless asked for: pass `logger` (pino, bunyan, console, winston, or anything with
 * debug/info/warn/error) or set DEBUG=projector:* (or a narrower namespace such as projector:retry). The SDK never
 * passes secrets to a logger.
 *
 * How the SDK calls your logger (the "style"):
 * - `'pino'` (object first): `logger.info({ ...fields, area }, message)`, as pino and bunyan expect, so every field
 *   stays a structured field and the message becomes pino's `msg`.
 * - `'console'` (message first): `logger.info(message, { ...fields, area })`, as console and winston expect.
 *
 * The style is decided once, when the logger is handed to the SDK, by the first rule that applies:
 * 1. the logger was wrapped with {@link pinoLogger} (object first) or {@link consoleLogger} (message first);
 * 2. the logger object has a `style` property of `'pino'` or `'console'`;
 * 3. it looks like pino: `child` and `bindings` are functions, or `levels` has pino's `labels` and `values` maps;
 * 4. it looks like bunyan: `fields` is an object and `streams` an array;
 * 5. otherwise message first (console, winston, hand-written loggers).
 *
 * Every entry carries an `area` field naming the SDK component that wrote it (see {@link LogArea}); with DEBUG the
 * area is the namespace (`projector:<area>`). A logger that throws (or returns a rejected promise) never breaks a
 * call: the SDK swallows the failure and goes on. Missing levels are skipped. The level methods are looked up on
 * every entry, so a pino logger whose `level` changes later is honoured.
 */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
  /** How the SDK calls this logger; detected when absent (see the module comment). */
  style?: LoggerStyle;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** `'pino'`: object first, `(fields, message)` (pino, bunyan). `'console'`: message first, `(message, fields)`. */
export type LoggerStyle = 'pino' | 'console';

/** The SDK components that log; each is also a DEBUG namespace, `projector:<area>`. */
export type LogArea = 'client' | 'retry' | 'rate-limit' | 'session' | 'oauth';

/** Anything with some of the four level methods, whatever their parameter order (a pino, bunyan or winston logger, console). */
export type LoggerTarget = { [level in LogLevel]?: (...args: never[]) => unknown };

/** What the SDK accepts as a logger. */
export type LoggerInput = Partial<Logger> | LoggerTarget;

/** The SDK's logger for one area: adds `area` to every entry; `for()` derives another area's logger on the same target. */
export interface AreaLogger extends Logger {
  readonly area: string;
  /** The same target (or, with DEBUG, the namespace `projector:<area>`), labelled with another area. */
  for(area: string): AreaLogger;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

type Sink =
  | { readonly kind: 'target'; readonly target: object; readonly style: LoggerStyle }
  | { readonly kind: 'debug'; readonly env: string | undefined };

/** Non-enumerable mark on the loggers made here, so handing one back to the SDK re-labels it instead of wrapping it. */
const SINK = Symbol.for('@internal/projector-sdk/logger-sink');

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

const ignore = (): void => undefined;

function namespaceEnabled(pattern: string | undefined, namespace: string): boolean {
  if (!pattern) return false;
  let enabled = false;
  for (const raw of pattern.split(/[\s,]+/).filter(Boolean)) {
    const negate = raw.startsWith('-');
    const re = new RegExp(`^${(negate ? raw.slice(1) : raw).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    if (re.test(namespace)) enabled = !negate;
  }
  return enabled;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The style rules 2 to 5 of the module comment; a logger whose properties cannot even be read counts as message first. */
function detectStyle(target: object): LoggerStyle {
  try {
    const t = target as Record<string, unknown>;
    if (t.style === 'pino' || t.style === 'console') return t.style;
    if (typeof t.child === 'function' && typeof t.bindings === 'function') return 'pino';
    if (isObject(t.levels) && isObject(t.levels.labels) && isObject(t.levels.values)) return 'pino';
    if (isObject(t.fields) && Array.isArray(t.streams)) return 'pino';
  } catch {
    // A hostile getter or proxy: fall through to the plain style.
  }
  return 'console';
}

function sinkOf(logger: unknown): Sink | undefined {
  if (!isObject(logger) && typeof logger !== 'function') return undefined;
  try {
    return (logger as { [SINK]?: Sink })[SINK];
  } catch {
    return undefined;
  }
}

/** JSON for a DEBUG line; bigints as strings, and never a throw. */
function stringify(meta: Record<string, unknown>): string {
  try {
    return JSON.stringify(meta, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  } catch {
    return '"[meta not serializable]"';
  }
}

function writer(sink: Sink, area: string | undefined, level: LogLevel): (message: string, meta?: Record<string, unknown>) => void {
  if (sink.kind === 'debug') {
    const namespace = `projector:${area ?? 'client'}`;
    if (!namespaceEnabled(sink.env, namespace)) return ignore;
    return (message, meta) => {
      try {
        process.stderr.write(`${new Date().toISOString()} ${namespace} ${level} ${message}${meta ? ` ${stringify(meta)}` : ''}\n`);
      } catch {
        // stderr gone: logging must not break the call.
      }
    };
  }
  const { target, style } = sink;
  return (message, meta) => {
    try {
      // Looked up on every entry: pino swaps its level methods when its level changes.
      const method = (target as Record<string, unknown>)[level];
      if (typeof method !== 'function') return;
      // A fresh object each time: the logger may keep or change it without touching the SDK's data.
      const fields = area === undefined ? (meta === undefined ? undefined : { ...meta }) : { ...meta, area };
      let result: unknown;
      if (style === 'pino') result = method.call(target, fields ?? {}, message);
      else if (fields === undefined) result = method.call(target, message);
      else result = method.call(target, message, fields);
      if (isObject(result) && typeof result.then === 'function') (result.then as (a: unknown, b: unknown) => unknown).call(result, undefined, ignore);
    } catch {
      // A logger that throws must never break a call.
    }
  };
}

function build(sink: Sink, area: string): AreaLogger;
function build(sink: Sink, area: undefined): Logger;
function build(sink: Sink, area: string | undefined): Logger | AreaLogger {
  const logger: Record<string, unknown> = {};
  for (const level of LEVELS) logger[level] = writer(sink, area, level);
  if (area !== undefined) {
    logger.area = area;
    logger.for = (next: string) => build(sink, next);
  }
  Object.defineProperty(logger, SINK, { value: sink });
  return logger as unknown as Logger | AreaLogger;
}

/** A logger that writes `projector:<area>` lines to stderr when DEBUG enables that namespace; `for()` keeps the same DEBUG value. */
export function debugLogger(area: string, env: string | undefined = process.env.DEBUG): AreaLogger {
  return build({ kind: 'debug', env }, area);
}

/**
 * The SDK's logger for `area`: your logger (pino, bunyan, console... called in its own style, missing levels
 * skipped, failures swallowed), or the DEBUG namespace `projector:<area>` when there is none. A logger made by this
 * module (e.g. another area's) is re-labelled, not wrapped twice.
 */
export function normalizeLogger(logger: LoggerInput | undefined, area: string): AreaLogger {
  const existing = sinkOf(logger);
  if (existing) return build(existing, area);
  if (!isObject(logger) && typeof logger !== 'function') return debugLogger(area);
  return build({ kind: 'target', target: logger, style: detectStyle(logger) }, area);
}

/**
 * Marks a logger as object first, `(fields, message)`, whatever it looks like: pino, bunyan, or a pino-compatible
 * wrapper that detection would miss. Pass the result as `logger`.
 */
export function pinoLogger(logger: LoggerTarget): Logger {
  return build({ kind: 'target', target: logger, style: 'pino' }, undefined);
}

/** Marks a logger as message first, `(message, fields)`, even when it has `child`/`bindings` or `fields`/`streams`. */
export function consoleLogger(logger: LoggerTarget): Logger {
  return build({ kind: 'target', target: logger, style: 'console' }, undefined);
}
