/**
 * A local Projector (PWS) server for tests, demos and consuming teams: `const sim = await startSimulator()`.
 *
 * Documented defaults (see defaults.ts for which are vendor facts and which are our assumptions): one
 * installation `DEMO` with users alice@example.com and bob@example.com (password `projector`); rate limiting in
 * Error mode, 60 s window, thresholds 2400/1800/1200, every operation weighing 1 hit; 4 concurrent requests per
 * user; sessions idle out after 20 min and live at most 8 h; 5 bad passwords block the login for 15 min;
 * request bodies up to 1 MB; lockable entities include the vendor's project P001468-001 (1152921504607429941).
 */
import { systemClock } from '../clock';
import type { OperationName } from '../soap/operations';
import {
  DEFAULT_ACCOUNT, DEFAULT_ENTITIES, FIRST_LOCK_SET_ID, LOCKOUT_DEFAULTS, MAX_BODY_BYTES_DEFAULT, SESSION_DEFAULTS,
  THROTTLE_DEFAULT_MAX_ACTIVE,
} from './defaults';
import { LockManager } from './locks';
import { Metadata } from './metadata';
import { Engine } from './pipeline';
import { counterKeys, RateLimiter } from './rate-limiter';
import { compileSchemas, schemaDirectory, type SchemaModel } from './schema';
import { createHttpServer, SERVICE_PATH } from './server';
import { SessionStore } from './sessions';
import type { FaultSpec, RequestLogEntry, Simulator, SimulatorOptions } from './types';

export * from './types';
export { DEFAULT_ACCOUNT, DEFAULT_ENTITIES, DEMO_PASSWORD, RATE_LIMIT_DEFAULTS, SESSION_DEFAULTS, LOCKOUT_DEFAULTS, THROTTLE_DEFAULT_MAX_ACTIVE } from './defaults';
export { SERVICE_PATH } from './server';
export { rateLimitText } from './catalogue';

let cachedModel: SchemaModel | undefined;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.clock ?? systemClock;
  const model = (cachedModel ??= compileSchemas());
  const sessions = new SessionStore(clock, { ...SESSION_DEFAULTS, ...options.session }, { ...LOCKOUT_DEFAULTS, ...options.lockout });
  for (const account of options.accounts ?? [DEFAULT_ACCOUNT]) sessions.addAccount(account);
  const limiter = new RateLimiter(clock, options.rateLimit);
  const locks = new LockManager(clock, options.entities ?? DEFAULT_ENTITIES, FIRST_LOCK_SET_ID);
  const latency = new Map<OperationName | '*', number>();
  const faults: FaultSpec[] = [];
  const log: RequestLogEntry[] = [];
  let seq = 0;
  let baseUrl = '';
  let metadata: Metadata | undefined;

  const redirect: Record<string, string> = { ...options.redirect };
  const engine = new Engine({
    clock,
    model,
    sessions,
    limiter,
    locks,
    maxActivePerUser: options.maxActiveRequestsPerUser ?? THROTTLE_DEFAULT_MAX_ACTIVE,
    nonProduction: () => (options.nonProductionMessage ? baseUrl.replace(/^https?:\/\//, '') : undefined),
    redirect,
    documentServerUrl: () => `${baseUrl}/doc/1`,
    latencyOf: (op) => latency.get(op) ?? latency.get('*') ?? 0,
  });
  const { server, sockets, timers } = createHttpServer({
    clock,
    engine,
    metadata: () => (metadata ??= new Metadata(schemaDirectory(), baseUrl + SERVICE_PATH)),
    maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES_DEFAULT,
    faults,
    log,
    nextSeq: () => ++seq,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: options.port ?? 0, backlog: 1024 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : options.port}`;

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl + SERVICE_PATH,
    baseUrl,
    clock,
    log,
    clearLog: () => void log.splice(0, log.length),
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
    injectFaults(fault, count = 1) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    setLatency(operation, latencyInMs) {
      latency.set(operation, latencyInMs);
    },
    setRateLimit: (update) => limiter.update(update),
    addAccount: (account) => sessions.addAccount(account),
    invalidateSession: (ticket) => sessions.end(ticket),
    invalidateAllSessions: () => sessions.endAll(),
    snapshotCounters: (accountCode, userName, ticket) => limiter.counts(counterKeys(accountCode, userName, ticket)),
    setRedirect(update) {
      for (const k of Object.keys(redirect)) delete redirect[k];
      Object.assign(redirect, update);
    },
    issuedTickets: () => sessions.liveTickets(),
  };
}
