import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { debugLogger, normalizeLogger } from '../src/logger';
import { TS_EXEC_ARGV } from './support/ts-child';

const ROOT = path.join(__dirname, '..');

/** Runs `script` in a fresh node (src/ from source) with only the given DEBUG, and returns its stderr. */
function runWithDebug(debug: string | undefined, script: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DEBUG;
  if (debug !== undefined) env.DEBUG = debug;
  const child = spawnSync(process.execPath, [...TS_EXEC_ARGV, '-e', script], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  expect(child.error).toBeUndefined();
  expect(child.stdout).toBe('');
  expect(child.status).toBe(0);
  return child.stderr;
}

const LOG_RETRY = `require('./src/logger').debugLogger('retry').info('retrying', { operation: 'PwsReleaseProjectorLocks', attempt: 2, code: 'TransportError' });`;

describe('DEBUG=projector:<area>, in a child process', () => {
  test('DEBUG=projector:retry prints debugLogger(\'retry\') entries under that namespace', () => {
    const stderr = runWithDebug('projector:retry', LOG_RETRY);
    expect(stderr).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z projector:retry info retrying \{"operation":"PwsReleaseProjectorLocks","attempt":2,"code":"TransportError"\}\n$/);
  });

  test('DEBUG=projector:client prints nothing for the retry area', () => {
    expect(runWithDebug('projector:client', LOG_RETRY)).toBe('');
  });

  test('without DEBUG nothing is printed', () => {
    expect(runWithDebug(undefined, LOG_RETRY)).toBe('');
  });

  test('the SDK\'s client logger derives each area\'s namespace with for(); only the enabled areas print', () => {
    const script = `
      const { normalizeLogger } = require('./src/logger');
      const client = normalizeLogger(undefined, 'client');
      client.info('client entry');
      client.for('retry').info('retry entry');
      client.for('rate-limit').warn('rate-limit entry');
      client.for('session').info('session entry');
      normalizeLogger(client, 'transport').debug('transport entry');`;
    const namespaces = (stderr: string) => stderr.trim().split('\n').filter(Boolean).map((line) => line.split(' ').slice(1, 4).join(' '));
    expect(namespaces(runWithDebug('projector:*', script))).toEqual([
      'projector:client info client',
      'projector:retry info retry',
      'projector:rate-limit warn rate-limit',
      'projector:session info session',
      'projector:transport debug transport',
    ]);
    expect(namespaces(runWithDebug('projector:retry,projector:session', script))).toEqual(['projector:retry info retry', 'projector:session info session']);
    expect(namespaces(runWithDebug('projector:*,-projector:client', script))).not.toContain('projector:client info client');
    expect(namespaces(runWithDebug('projector:client', script))).toEqual(['projector:client info client']);
  });
});

describe('debugLogger in process (explicit DEBUG value)', () => {
  test('for() keeps the DEBUG value it was given and switches the namespace', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const client = debugLogger('client', 'projector:rate-limit');
      client.info('not printed');
      expect(client.area).toBe('client');
      client.for('rate-limit').warn('rate limit: pausing all calls', { scope: 'DEMO', pauseInMs: 5000 });
      client.for('retry').info('not printed either');
      expect(written).toHaveLength(1);
      expect(written[0]).toMatch(/ projector:rate-limit warn rate limit: pausing all calls \{"scope":"DEMO","pauseInMs":5000\}\n$/);
      // The area is the namespace, so it is not repeated among the fields.
      expect(written[0]).not.toContain('"area"');
    } finally {
      spy.mockRestore();
    }
  });

  test('a logger handed to the SDK takes precedence over DEBUG', () => {
    const seen: unknown[][] = [];
    const debugBefore = process.env.DEBUG;
    process.env.DEBUG = 'projector:*';
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      // DEBUG is in force: without a logger the SDK prints the line to stderr...
      normalizeLogger(undefined, 'client').for('retry').info('retrying');
      expect(written).toEqual([expect.stringContaining('projector:retry info retrying')]);
      written.length = 0;
      // ...and with one, the line goes to that logger only.
      const log = normalizeLogger({ info: (...args: unknown[]) => void seen.push(args) }, 'client');
      log.for('retry').info('retrying');
      expect(written).toEqual([]);
      expect(seen).toEqual([['retrying', { area: 'retry' }]]);
    } finally {
      spy.mockRestore();
      if (debugBefore === undefined) delete process.env.DEBUG;
      else process.env.DEBUG = debugBefore;
    }
  });
});
