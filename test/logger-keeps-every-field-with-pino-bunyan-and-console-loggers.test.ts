import { Console } from 'node:console';
import { Writable } from 'node:stream';
import pino from 'pino';
import { consoleLogger, normalizeLogger, pinoLogger } from '../src/logger';

/** A real pino logger writing JSON lines into memory (pino calls `write` synchronously for a plain stream object). */
function memoryPino(options: pino.LoggerOptions = {}) {
  const entries: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug', base: undefined, ...options }, { write: (line: string) => void entries.push(JSON.parse(line)) });
  return { logger, entries };
}

/** A recorder of every call a logger method receives, with the arguments as given. */
function recorder<T extends object>(extra: T = {} as T) {
  const calls: { level: string; args: unknown[] }[] = [];
  const method = (level: string) => (...args: unknown[]) => void calls.push({ level, args });
  return { calls, logger: { debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error'), ...extra } };
}

describe('pino (object first)', () => {
  test('a real pino logger is detected: every field arrives as a structured field, the message as msg, with the area', () => {
    const { logger, entries } = memoryPino();
    const log = normalizeLogger(logger, 'client');
    log.info('call answered', { operation: 'PwsCheckProjectorLocks', requestId: 'r-1', status: 'Ok' });
    log.debug('call failed', { operation: 'PwsReleaseProjectorLocks', requestId: 'r-2', code: 'LockNotFoundError', errorNumber: 50475 });
    log.warn('logout during close failed', { error: 'socket hang up' });
    log.error('no fields');
    expect(entries).toEqual([
      expect.objectContaining({ level: 30, msg: 'call answered', area: 'client', operation: 'PwsCheckProjectorLocks', requestId: 'r-1', status: 'Ok' }),
      expect.objectContaining({ level: 20, msg: 'call failed', area: 'client', operation: 'PwsReleaseProjectorLocks', requestId: 'r-2', code: 'LockNotFoundError', errorNumber: 50475 }),
      expect.objectContaining({ level: 40, msg: 'logout during close failed', area: 'client', error: 'socket hang up' }),
      expect.objectContaining({ level: 50, msg: 'no fields', area: 'client' }),
    ]);
  });

  test('for(area) writes to the same pino logger, labelled with the other area; re-normalizing re-labels instead of wrapping twice', () => {
    const { logger, entries } = memoryPino();
    const client = normalizeLogger(logger, 'client');
    client.for('retry').info('retrying', { operation: 'PwsAuthenticate', attempt: 2, code: 'TransportError' });
    client.for('rate-limit').warn('rate limit: pausing all calls', { scope: 'DEMO', pauseInMs: 5000 });
    normalizeLogger(client, 'session').info('session expired; logging in again', { operation: 'PwsCheckProjectorLocks' });
    expect(client.for('retry').area).toBe('retry');
    expect(entries.map((e) => [e.area, e.msg])).toEqual([
      ['retry', 'retrying'],
      ['rate-limit', 'rate limit: pausing all calls'],
      ['session', 'session expired; logging in again'],
    ]);
    expect(entries[0]).toMatchObject({ operation: 'PwsAuthenticate', attempt: 2, code: 'TransportError' });
    expect(entries[1]).toMatchObject({ scope: 'DEMO', pauseInMs: 5000 });
  });

  test('a pino child logger keeps its bindings, and a level raised after the logger was handed over is honoured', () => {
    const { logger, entries } = memoryPino({ level: 'info' });
    const child = logger.child({ service: 'billing' });
    const log = normalizeLogger(child, 'client');
    log.debug('dropped while the level is info');
    child.level = 'debug'; // pino swaps the child's level methods now, after the SDK got the logger
    log.debug('kept once the level is debug', { operation: 'PwsTestRateLimiter' });
    expect(entries).toEqual([expect.objectContaining({ level: 20, msg: 'kept once the level is debug', service: 'billing', area: 'client', operation: 'PwsTestRateLimiter' })]);
  });

  test('the SDK does not share its meta object with the logger', () => {
    const seen: Record<string, unknown>[] = [];
    const log = normalizeLogger(pinoLogger({ info: (fields: Record<string, unknown>) => void seen.push(fields) }), 'client');
    const meta = { operation: 'PwsAuthenticate' };
    log.info('x', meta);
    expect(seen[0]).toEqual({ operation: 'PwsAuthenticate', area: 'client' });
    expect(seen[0]).not.toBe(meta);
    expect(meta).toEqual({ operation: 'PwsAuthenticate' });
  });
});

describe('explicit style', () => {
  test('pinoLogger(x) makes any logger object first, also a plain object detection would call message first', () => {
    const { calls, logger } = recorder();
    const log = normalizeLogger(pinoLogger(logger), 'transport');
    log.info('stale socket', { reused: true });
    expect(calls).toEqual([{ level: 'info', args: [{ reused: true, area: 'transport' }, 'stale socket'] }]);
  });

  test('pinoLogger(pino) can be used on its own as a message-first Logger', () => {
    const { logger, entries } = memoryPino();
    const log = pinoLogger(logger);
    log.warn('hello', { operation: 'PwsAuthenticate' });
    log.info('bare');
    expect(entries).toEqual([
      expect.objectContaining({ level: 40, msg: 'hello', operation: 'PwsAuthenticate' }),
      expect.objectContaining({ level: 30, msg: 'bare' }),
    ]);
    expect(entries[0]).not.toHaveProperty('area');
  });

  test('consoleLogger(x) makes a pino-looking object message first', () => {
    const { calls, logger } = recorder({ child: () => undefined, bindings: () => ({}), levels: { labels: {}, values: {} } });
    const log = normalizeLogger(consoleLogger(logger), 'session');
    log.info('session expired; logging in again', { operation: 'PwsRenewProjectorLocks' });
    expect(calls).toEqual([{ level: 'info', args: ['session expired; logging in again', { operation: 'PwsRenewProjectorLocks', area: 'session' }] }]);
  });

  test('a style property on the logger decides, before any detection', () => {
    const objectFirst = recorder({ style: 'pino' as const });
    normalizeLogger(objectFirst.logger, 'client').info('m', { a: 1 });
    expect(objectFirst.calls[0].args).toEqual([{ a: 1, area: 'client' }, 'm']);
    const messageFirst = recorder({ style: 'console' as const, fields: {}, streams: [] });
    normalizeLogger(messageFirst.logger, 'client').info('m', { a: 1 });
    expect(messageFirst.calls[0].args).toEqual(['m', { a: 1, area: 'client' }]);
  });
});

describe('bunyan (object first, detected by fields and streams)', () => {
  test('a bunyan-shaped logger gets (fields, message)', () => {
    const { calls, logger } = recorder({ fields: { name: 'app', hostname: 'h', pid: 1 }, streams: [{ type: 'stream', level: 30 }], child: () => undefined });
    const log = normalizeLogger(logger, 'rate-limit');
    log.warn('rate limit: warning from Projector', { operation: 'PwsCheckProjectorLocks', installation: 'DEMO', sessionHits: 1190 });
    log.error('no meta');
    expect(calls).toEqual([
      { level: 'warn', args: [{ operation: 'PwsCheckProjectorLocks', installation: 'DEMO', sessionHits: 1190, area: 'rate-limit' }, 'rate limit: warning from Projector'] },
      { level: 'error', args: [{ area: 'rate-limit' }, 'no meta'] },
    ]);
  });

  test('fields without streams, or a winston-like levels table with child, stay message first', () => {
    const halfBunyan = recorder({ fields: {} });
    normalizeLogger(halfBunyan.logger, 'client').info('m');
    expect(halfBunyan.calls[0].args).toEqual(['m', { area: 'client' }]);
    // winston: levels is { error: 0, warn: 1, ... } and child() exists, but it takes (message, meta).
    const winstonLike = recorder({ levels: { error: 0, warn: 1, info: 2, debug: 5 }, child: () => undefined });
    normalizeLogger(winstonLike.logger, 'client').info('m', { b: 2 });
    expect(winstonLike.calls[0].args).toEqual(['m', { b: 2, area: 'client' }]);
  });
});

describe('console style (message first)', () => {
  test('a console-shaped logger gets (message, fields) with the area; missing levels are skipped', () => {
    const { calls, logger } = recorder();
    const partial = { info: logger.info, warn: logger.warn };
    const log = normalizeLogger(partial, 'client');
    log.info('following RedirectUrl', { to: 'https://secure3.projectorpsa.com' });
    log.debug('dropped: no debug method');
    log.error('dropped: no error method');
    log.for('retry').warn('retrying', { attempt: 3 });
    expect(calls).toEqual([
      { level: 'info', args: ['following RedirectUrl', { to: 'https://secure3.projectorpsa.com', area: 'client' }] },
      { level: 'warn', args: ['retrying', { attempt: 3, area: 'retry' }] },
    ]);
  });

  test('a real node Console prints the message, then the fields', () => {
    let out = '';
    const sink = new Writable({ write: (chunk, _enc, done) => { out += String(chunk); done(); } });
    const log = normalizeLogger(new Console({ stdout: sink, stderr: sink }), 'client');
    log.info('call answered', { operation: 'PwsTestRateLimiter', requestId: 'r-9' });
    expect(out).toMatch(/^call answered \{.*operation: 'PwsTestRateLimiter'.*requestId: 'r-9'.*area: 'client'.*\}\n$/s);
  });

  test('loggers keep `this`: methods are called on the logger object', () => {
    const lines: string[] = [];
    class Custom {
      prefix = '>';
      info(message: string, meta?: Record<string, unknown>) {
        lines.push(`${this.prefix} ${message} ${JSON.stringify(meta)}`);
      }
    }
    normalizeLogger(new Custom(), 'session').info('hi', { n: 1 });
    expect(lines).toEqual(['> hi {"n":1,"area":"session"}']);
  });
});
