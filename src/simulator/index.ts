/**
 * A local Projector (PWS) server for tests, demos and consuming teams: `const sim = await startSimulator()`.
 *
 * Documented defaults (see defaults.ts for which are vendor facts and which are our assumptions): one
 * installation `DEMO` with users alice@example.com and bob@example.com (password `projector`); rate limiting in
 * Error mode, 60 s window, thresholds 2400/1800/1200, every operation weighing 1 hit; 4 concurrent requests per
 * user; sessions idle out after 20 min and live at most 8 h; 5 bad passwords block the login for 15 min;
 * request bodies up to 1 MB; lockable entities include the vendor's project P001468-001 (1152921504607429941);
 * an OAuth 2 authorization server with one client application, DEMO_OAUTH_CLIENT (oauth.ts: its defaults, and the
 * error numbers it answers, which are ours), whose access tokens are sessions like any other (`sim.oauth`).
 *
 * It answers every operation of the WSDL (generated/, nothing read from disk): `sim.handle(operation, handler)`
 * scripts any of them with the request and result in `client.call`'s shapes; without a script, an operation that
 * has no built-in behaviour answers Status Ok with the base members. Sessions, request validation against the
 * XSDs, the throttle and rate limiting apply to all.
 */
import { systemClock } from '../clock';
import { contractFiles } from '../soap/codec';
import { isOperationName, type OperationName } from '../soap/operations';
import {
  DEFAULT_ACCOUNT, DEFAULT_ENTITIES, FIRST_LOCK_SET_ID, LOCKOUT_DEFAULTS, MAX_BODY_BYTES_DEFAULT, SESSION_DEFAULTS,
  THROTTLE_DEFAULT_MAX_ACTIVE,
} from './defaults';
import { LockManager } from './locks';
import { Metadata } from './metadata';
import { Engine, type ScriptHandler } from './pipeline';
import { counterKeys, RateLimiter } from './rate-limiter';
import { buildSchemaModel, type SchemaModel } from './schema';
import { createHttpServer, SERVICE_PATH } from './server';
import { createOAuthServer, OAuthSessionStore, oauthHandlers } from './oauth-wiring';
import type { FaultSpec, RequestLogEntry, Simulator, SimulatorOptions } from './types';

export * from './types';
export { DEFAULT_ACCOUNT, DEFAULT_ENTITIES, DEMO_PASSWORD, RATE_LIMIT_DEFAULTS, SESSION_DEFAULTS, LOCKOUT_DEFAULTS, THROTTLE_DEFAULT_MAX_ACTIVE } from './defaults';
export { SERVICE_PATH } from './server';
export { rateLimitText } from './catalogue';
export { SimulatedFault, type SimulatedFaultMessage, type SimulatedFaultOptions } from './scripted';
export { OAuthServer, DEMO_OAUTH_CLIENT, OAUTH_DEFAULTS, OAUTH_MSG } from './oauth';
export type { SimOAuthClient, SimOAuthSettings, AccessTokenRecord, OAuthEvent, OAuthEventKind, AcquireRequest, AcquireResult, OAuthOutcome, OAuthDirectory, OAuthContext } from './oauth';
export type { SessionLookup, Session } from './sessions';
export type { SimMessage } from './catalogue';
export type { SimOAuthOptions } from './oauth-wiring';

let cachedModel: SchemaModel | undefined;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.clock ?? systemClock;
  const model = (cachedModel ??= buildSchemaModel());
  const sessions = new OAuthSessionStore(clock, { ...SESSION_DEFAULTS, ...options.session }, { ...LOCKOUT_DEFAULTS, ...options.lockout });
  for (const account of options.accounts ?? [DEFAULT_ACCOUNT]) sessions.addAccount(account);
  // OAuth access tokens are sessions too (the session store resolves them); the two OAuth operations are built in.
  const oauth = createOAuthServer(clock, sessions, options.oauth);
  const limiter = new RateLimiter(clock, options.rateLimit);
  const locks = new LockManager(clock, options.entities ?? DEFAULT_ENTITIES, FIRST_LOCK_SET_ID);
  const latency = new Map<OperationName | '*', number>();
  const faults: FaultSpec[] = [];
  const log: RequestLogEntry[] = [];
  const handlers = new Map<OperationName, ScriptHandler>();
  let seq = 0;
  let baseUrl = '';
  let metadata: Metadata | undefined;

  const redirect: Record<string, string> = { ...options.redirect };
  const builtInOAuth = oauthHandlers(oauth, () => ({ redirect, authority: new URL(baseUrl).host })) as Partial<Record<OperationName, ScriptHandler>>;
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
    handlerOf: (op) => handlers.get(op) ?? builtInOAuth[op],
  });
  const { server, sockets, timers } = createHttpServer({
    clock,
    engine,
    metadata: () => (metadata ??= new Metadata(contractFiles().files, contractFiles().entry, baseUrl + SERVICE_PATH)),
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
    oauth,
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
    handle(operation, handler) {
      if (typeof operation !== 'string' || !isOperationName(operation)) {
        throw new Error(`sim.handle: ${String(operation)} is not an operation of the WSDL (regenerate after the vendor adds one)`);
      }
      if (handler === undefined) return void handlers.delete(operation);
      if (typeof handler !== 'function') throw new TypeError(`sim.handle: the handler for ${operation} must be a function or undefined`);
      handlers.set(operation, handler as unknown as ScriptHandler);
    },
  };
}
