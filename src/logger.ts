/**
 * Logging is off unless asked for: pass `logger` (pino, console, or anything with info/warn/error/debug) or set
 * DEBUG=projector:* (or a narrower namespace such as projector:retry). The SDK never passes secrets to a logger.
 */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

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

/** A logger that writes `projector:<area>` lines to stderr when DEBUG enables that namespace. */
export function debugLogger(area: string, env: string | undefined = process.env.DEBUG): Logger {
  const namespace = `projector:${area}`;
  if (!namespaceEnabled(env, namespace)) return silentLogger;
  const write = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    process.stderr.write(`${new Date().toISOString()} ${namespace} ${level} ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}\n`);
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** Accepts a partial logger (e.g. console) and fills the missing levels. */
export function normalizeLogger(logger: Partial<Logger> | undefined, area: string): Logger {
  if (!logger) return debugLogger(area);
  const pick = (level: keyof Logger) => (typeof logger[level] === 'function' ? logger[level]!.bind(logger) : () => undefined);
  return { debug: pick('debug'), info: pick('info'), warn: pick('warn'), error: pick('error') };
}
