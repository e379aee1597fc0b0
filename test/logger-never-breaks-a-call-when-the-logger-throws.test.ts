import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { debugLogger, normalizeLogger, pinoLogger } from '../src/logger';
import { TS_EXEC_ARGV } from './support/ts-child';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function exercise(log: ReturnType<typeof normalizeLogger>): void {
  for (const level of LEVELS) {
    log[level]('message', { operation: 'PwsAuthenticate', requestId: 'r-1' });
    log[level]('no meta');
    log.for('retry')[level]('retrying', { attempt: 2 });
  }
}

describe('a failing logger is swallowed', () => {
  test('methods that throw (Errors and non-Errors), in both styles', () => {
    const throwing = {
      debug: () => { throw new Error('debug broke'); },
      info: () => { throw 'a string'; },
      warn: () => { throw undefined; },
      error: () => { throw new TypeError('error broke'); },
    };
    expect(() => exercise(normalizeLogger(throwing, 'client'))).not.toThrow();
    expect(() => exercise(normalizeLogger(pinoLogger(throwing), 'client'))).not.toThrow();
    const bunyanShaped = { ...throwing, fields: {}, streams: [] };
    expect(() => exercise(normalizeLogger(bunyanShaped, 'client'))).not.toThrow();
  });

  test('getters that throw and a proxy that throws on every read, at detection and at each entry', () => {
    const hostileGetters = Object.defineProperties({}, Object.fromEntries(
      [...LEVELS, 'style', 'child', 'bindings', 'levels', 'fields', 'streams'].map((k) => [k, { get: () => { throw new Error(`get ${k}`); } }]),
    ));
    const proxy = new Proxy({}, { get: () => { throw new Error('proxy get'); }, has: () => { throw new Error('proxy has'); } });
    for (const logger of [hostileGetters, proxy]) {
      expect(() => exercise(normalizeLogger(logger, 'client'))).not.toThrow();
      expect(() => exercise(normalizeLogger(pinoLogger(logger), 'client'))).not.toThrow();
    }
  });

  test('a returned promise gets a rejection handler (jest hides unhandled rejections, so a thenable records it)', () => {
    const handlers: unknown[] = [];
    const thenable = { then: (_onFulfilled: unknown, onRejected: unknown) => void handlers.push(onRejected) };
    const log = normalizeLogger({ info: () => thenable, warn: () => thenable }, 'client');
    log.info('a', { x: 1 });
    log.for('rate-limit').warn('b');
    expect(handlers).toHaveLength(2);
    for (const handler of handlers) expect(typeof handler).toBe('function');
  });

  test('an async logger that rejects does not crash a process run with --unhandled-rejections=strict', () => {
    const script = `
      const { normalizeLogger } = require('./src/logger');
      const log = normalizeLogger({ info: async () => { throw new Error('async broke'); }, warn: () => Promise.reject(new Error('rejected')) }, 'client');
      log.info('a', { x: 1 });
      log.for('rate-limit').warn('b');
      setTimeout(() => process.stdout.write('survived'), 50);`;
    const child = spawnSync(process.execPath, ['--unhandled-rejections=strict', ...TS_EXEC_ARGV, '-e', script], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('survived');
    expect(child.status).toBe(0);
  });

  test('a logger that works again after failing still gets its entries', () => {
    let fail = true;
    const seen: unknown[][] = [];
    const log = normalizeLogger({ info: (...args: unknown[]) => { if (fail) throw new Error('down'); seen.push(args); } }, 'session');
    log.info('lost');
    fail = false;
    log.info('kept', { operation: 'PwsAuthenticate' });
    expect(seen).toEqual([['kept', { operation: 'PwsAuthenticate', area: 'session' }]]);
  });

  test('DEBUG output survives meta that JSON cannot carry, and a stderr that throws', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const log = debugLogger('client', 'projector:*');
      const circular: Record<string, unknown> = { a: 1 };
      circular.self = circular;
      expect(() => log.info('circular', circular)).not.toThrow();
      expect(() => log.info('bigint', { uid: 1152921504607429941n })).not.toThrow();
      expect(written[0]).toMatch(/ projector:client info circular "\[meta not serializable\]"\n$/);
      expect(written[1]).toMatch(/ projector:client info bigint \{"uid":"1152921504607429941"\}\n$/);
      spy.mockImplementation(() => { throw new Error('EPIPE'); });
      expect(() => log.error('stderr gone')).not.toThrow();
    } finally {
      spy.mockRestore();
    }
  });

  test('no logger, or something that is not an object, falls back to DEBUG and never throws', () => {
    for (const value of [undefined, null, 42, 'console', true]) {
      expect(() => exercise(normalizeLogger(value as never, 'client'))).not.toThrow();
    }
  });
});
