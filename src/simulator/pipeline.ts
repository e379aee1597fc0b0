/**
 * One SOAP request, from raw body to reply, in the order a WCF-hosted Projector would apply its rules:
 * SOAPAction dispatch (ContractFilter), XML + schema validation, session, concurrency throttle, rate limiter
 * (Error mode rejects before the service runs), simulated latency, then the operation itself.
 *
 * Every operation of the WSDL takes this path. Operations in SESSIONLESS_OPERATIONS run without a ticket; all
 * others need a live session. Then a script (`sim.handle`) answers if there is one, else the built-in behaviour of
 * the seven lock and session operations (vendor templates, checked by the golden tests), else Status Ok with the
 * base members (scripted.ts).
 */
import type { Clock } from '../clock';
import { SESSIONLESS_OPERATIONS } from '../policy';
import { operationOfAction, OPERATIONS, type OperationName } from '../soap/operations';
import { MSG, rateLimitText, type SimMessage } from './catalogue';
import * as H from './handlers';
import type { LockManager } from './locks';
import type { RateLimiter } from './rate-limiter';
import { counterKeys } from './rate-limiter';
import { child, intOf, parseRequest, RequestInvalidError, textOf, type XNode } from './request-parser';
import { qkey, type SchemaModel } from './schema';
import { decodeRequest, HandlerFailure, isSimulatedFault, scriptedFault, scriptedResponse } from './scripted';
import { hashTicket, type Session, type SessionStore } from './sessions';
import { ADDRESSING_NONE_NS, pwsFaultXml, responseXml, soapFaultXml } from './templates';
import type { Outcome, RequestLogEntry, SimHandlerContext } from './types';

export interface Reply {
  httpStatus: number;
  body: string;
}

export interface EngineDeps {
  clock: Clock;
  model: SchemaModel;
  sessions: SessionStore;
  limiter: RateLimiter;
  locks: LockManager;
  maxActivePerUser: number;
  nonProduction: () => string | undefined;
  redirect: Record<string, string>;
  documentServerUrl: () => string;
  latencyOf: (op: OperationName) => number;
  /** The script for an operation (`sim.handle`), if any. */
  handlerOf: (op: OperationName) => ScriptHandler | undefined;
}

/** A handler as the engine calls it (typed per operation at `sim.handle`). */
export type ScriptHandler = (request: Record<string, unknown>, context: SimHandlerContext) => unknown;

/** The seven operations whose own answers use the vendor's templates. */
const TEMPLATED_OPERATIONS: ReadonlySet<string> = new Set([
  'PwsAuthenticate',
  'PwsUnauthenticate',
  'PwsAcquireProjectorLocks',
  'PwsCheckProjectorLocks',
  'PwsRenewProjectorLocks',
  'PwsReleaseProjectorLocks',
  'PwsTestRateLimiter',
]);

/**
 * The operations with built-in behaviour: the seven above, and the two OAuth operations, whose built-in handlers
 * (oauth-wiring.ts) answer through the schema writer like a script (`sim.handle` replaces them, too).
 */
export const BUILT_IN_OPERATIONS: ReadonlySet<string> = new Set([...TEMPLATED_OPERATIONS, 'PwsAcquireOauth2Token', 'PwsRevokeOauth2RefreshToken']);

const nonNegative = (n: number | undefined) => Math.max(0, n ?? 0);

export class Engine {
  private readonly active = new Map<string, number>();

  constructor(private readonly d: EngineDeps) {}

  async process(xml: string, soapAction: string | undefined, entry: RequestLogEntry): Promise<Reply> {
    const action = (soapAction ?? '').trim().replace(/^"(.*)"$/, '$1');
    const operation = operationOfAction(action);
    if (!operation) return this.contractFilter(action, entry);
    entry.operation = operation;
    let payload: XNode;
    try {
      payload = parseRequest(xml, this.d.model);
    } catch (e) {
      entry.outcome = 'rejected';
      const text = e instanceof RequestInvalidError ? e.message : 'The request could not be read.';
      return { httpStatus: 500, body: soapFaultXml('s:Client', text) };
    }
    if (qkey(payload.ns, payload.local) !== OPERATIONS[operation].input) return this.contractFilter(action, entry, payload.local);
    try {
      return await this.serve(operation, payload, entry);
    } catch (e) {
      entry.outcome = 'fault';
      const text = e instanceof HandlerFailure ? e.message : 'The server was unable to process the request due to an internal error.';
      return { httpStatus: 500, body: soapFaultXml('s:Server', text) };
    }
  }

  private contractFilter(action: string, entry: RequestLogEntry, bodyElement?: string): Reply {
    entry.outcome = 'rejected';
    const why = bodyElement
      ? `The body element '${bodyElement}' does not match the operation of Action '${action}'.`
      : `The message with Action '${action}' cannot be processed at the receiver, due to a ContractFilter mismatch at the EndpointDispatcher.`;
    return { httpStatus: 500, body: soapFaultXml('a:ActionNotSupported', why, undefined, ADDRESSING_NONE_NS) };
  }

  private async serve(op: OperationName, payload: XNode, entry: RequestLogEntry): Promise<Reply> {
    const name: string = op;
    const model = OPERATIONS[op];
    const rq = model.requestMember ? child(payload, model.requestMember) : payload;
    const requestId = intOf(rq, 'RequestId') ?? 0;
    entry.requestId = requestId;
    const handler = this.d.handlerOf(op);
    // Built-in behaviour runs unless a script replaces it; replies the engine itself makes (session, throttle)
    // keep the vendor templates for the seven operations, and are written by the schema for every other one.
    const builtIn = TEMPLATED_OPERATIONS.has(name) && !handler;
    const templated = TEMPLATED_OPERATIONS.has(name);
    const respond = (r: H.HandlerResult, outcome?: Outcome, extra: SimMessage[] = []): Reply => this.reply(op, requestId, r, entry, outcome, extra);

    let accountCode: string;
    let userName: string;
    let session: Session | undefined;
    if (SESSIONLESS_OPERATIONS.has(name)) {
      accountCode = textOf(rq, 'AccountCode')?.trim() ?? '';
      userName = textOf(rq, 'UserName')?.trim() ?? '';
      entry.accountCode = accountCode || undefined;
      entry.userName = userName || undefined;
      if (builtIn && name === 'PwsAuthenticate') {
        const redirectKey = Object.keys(this.d.redirect).find((k) => k.toLowerCase() === accountCode.toLowerCase());
        if (redirectKey) return respond(H.redirectResult(this.d.redirect[redirectKey]));
        if (!accountCode || !userName || !textOf(rq, 'Password')) {
          return respond(H.authenticateFailure(MSG.invalidValue('AccountCode, UserName and Password are required.')));
        }
      }
    } else {
      const ticket = textOf(rq, 'SessionTicket')?.trim();
      if (ticket) entry.ticketHash = hashTicket(ticket);
      const found = this.d.sessions.resolve(ticket);
      if ('error' in found) {
        const message = found.error === 'ended' ? MSG.invalidSession() : MSG.invalidSessionTicket();
        return respond(
          templated
            ? { kind: 'response', status: 'FailSessionInvalid', messages: [message], derived: H.EMPTY_DERIVED[name] ?? '' }
            : { kind: 'scripted', value: { Status: 'FailSessionInvalid' }, messages: [message] },
        );
      }
      session = found.session;
      accountCode = session.account.accountCode;
      userName = session.user.userName;
      entry.accountCode = accountCode;
      entry.userName = userName;
    }

    const userKey = `${accountCode.toLowerCase()}|${userName.toLowerCase()}`;
    const active = this.active.get(userKey) ?? 0;
    entry.activeForUser = active;
    if (active >= this.d.maxActivePerUser) {
      const m = MSG.tooManyActive(active + 1, this.d.maxActivePerUser);
      return respond({ kind: 'fault', faultString: m.errorText, fault: { messages: [m], allowLocksToBeStolen: true } }, 'throttled');
    }
    this.active.set(userKey, active + 1);
    try {
      const context: SimHandlerContext = { operation: op, requestId, accountCode, userName };
      return await this.run(op, context, builtIn ? undefined : { handler }, rq, entry, session, respond);
    } finally {
      const left = (this.active.get(userKey) ?? 1) - 1;
      if (left > 0) this.active.set(userKey, left);
      else this.active.delete(userKey);
    }
  }

  /** `script` is undefined when the built-in behaviour runs; else it holds the operation's handler, if any. */
  private async run(
    op: OperationName,
    context: SimHandlerContext,
    script: { handler: ScriptHandler | undefined } | undefined,
    rq: XNode | undefined,
    entry: RequestLogEntry,
    session: Session | undefined,
    respond: (r: H.HandlerResult, outcome?: Outcome, extra?: SimMessage[]) => Reply,
  ): Promise<Reply> {
    const name: string = op;
    const { limiter } = this.d;
    const { accountCode, userName } = context;
    const keys = counterKeys(accountCode, userName, session?.ticket);
    if (!script && name === 'PwsTestRateLimiter') {
      limiter.add(keys, {
        installation: nonNegative(intOf(rq, 'SimulateInstallationHitsBefore')),
        user: nonNegative(intOf(rq, 'SimulateUserHitsBefore')),
        session: nonNegative(intOf(rq, 'SimulateSessionHitsBefore')),
      });
    }
    const verdict = limiter.admit(op, keys);
    const extra: SimMessage[] = [];
    if (verdict.kind !== 'pass') {
      const message = MSG.rateLimit(rateLimitText(verdict.counts, limiter.settings), verdict.kind === 'reject' ? 'Error' : 'Warning');
      if (verdict.kind === 'reject') {
        return respond({ kind: 'fault', faultString: message.errorText, fault: { messages: [message], allowLocksToBeStolen: true } }, 'rate-limited');
      }
      extra.push(message);
    }

    const latency = this.d.latencyOf(op);
    if (latency > 0) await this.d.clock.sleep(latency);

    const { locks } = this.d;
    const s = session!;
    switch (script ? '' : name) {
      case 'PwsAuthenticate': {
        const created = this.d.sessions.authenticate(accountCode, userName, textOf(rq, 'Password') ?? '');
        if (!created) return respond(H.authenticateFailure(MSG.authenticationFailed()), undefined, extra);
        entry.ticketHash = created.ticketHash;
        return respond(H.authenticateResult(created.account, created, this.d.documentServerUrl()), undefined, extra);
      }
      case 'PwsUnauthenticate':
        this.d.sessions.end(s.ticket);
        return respond({ kind: 'response', status: 'Ok', messages: [], derived: '' }, undefined, extra);
      case 'PwsAcquireProjectorLocks':
        return respond(H.acquireLocks(rq!, s, locks), undefined, extra);
      case 'PwsCheckProjectorLocks':
        return respond(H.checkLocks(rq!, s, locks), undefined, extra);
      case 'PwsRenewProjectorLocks':
        return respond(H.renewLocks(rq!, s, locks), undefined, extra);
      case 'PwsReleaseProjectorLocks':
        return respond(H.releaseLocks(rq!, s, locks), undefined, extra);
      case 'PwsTestRateLimiter': {
        limiter.add(keys, {
          installation: nonNegative(intOf(rq, 'SimulateInstallationHitsAfter')),
          user: nonNegative(intOf(rq, 'SimulateUserHitsAfter')),
          session: nonNegative(intOf(rq, 'SimulateSessionHitsAfter')),
        });
        const settings = limiter.settings;
        return respond(H.snapshotResult(settings.mode !== 'Disabled', limiter.counts(keys), settings), undefined, extra);
      }
      default:
        // A scripted operation, or one without built-in behaviour (Status Ok, base members only).
        return respond(await this.script(op, script?.handler, rq, context), undefined, extra);
    }
  }

  private async script(op: OperationName, handler: ScriptHandler | undefined, rq: XNode | undefined, context: SimHandlerContext): Promise<H.HandlerResult> {
    if (!handler) return { kind: 'scripted', value: {}, messages: [] };
    let request: Record<string, unknown>;
    try {
      request = decodeRequest(op, rq);
    } catch (e) {
      throw new HandlerFailure(`The simulator could not decode the ${op} request for its handler: ${e instanceof Error ? e.message : String(e)}`);
    }
    let value: unknown;
    try {
      value = await handler(request, context);
    } catch (e) {
      if (isSimulatedFault(e)) return { kind: 'scripted-fault', fault: e };
      throw new HandlerFailure(`The simulator's handler for ${op} threw: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (value === undefined || value === null) value = {};
    if (typeof value !== 'object' || Array.isArray(value)) throw new HandlerFailure(`The simulator's handler for ${op} must return an object (the result's members), not ${Array.isArray(value) ? 'an array' : typeof value}.`);
    return { kind: 'scripted', value: value as Record<string, unknown>, messages: [] };
  }

  private reply(op: OperationName, requestId: number, r: H.HandlerResult, entry: RequestLogEntry, outcome: Outcome | undefined, extra: SimMessage[]): Reply {
    const where = this.d.nonProduction();
    const info = where === undefined ? [] : [MSG.nonProduction(where)];
    if (r.kind === 'scripted-fault') {
      entry.outcome = outcome ?? 'fault';
      entry.errorNumber = r.fault.messages[0]?.errorNumber;
      return { httpStatus: 500, body: scriptedFault(op, r.fault, info, requestId) };
    }
    if (r.kind === 'scripted') {
      const answer = scriptedResponse(op, r.value, [...r.messages, ...extra, ...info], requestId, this.d.clock.now());
      entry.outcome = outcome ?? (answer.status === 'Ok' ? 'ok' : answer.status === 'OkWithWarnings' ? 'warning' : 'fail');
      entry.errorNumber = answer.errorNumber;
      return { httpStatus: 200, body: answer.body };
    }
    if (r.kind === 'fault') {
      const messages = [...r.fault.messages, ...info];
      entry.outcome = outcome ?? 'fault';
      entry.errorNumber = r.fault.messages[0]?.errorNumber;
      return { httpStatus: 500, body: pwsFaultXml({ ...r.fault, messages, responseId: requestId, serviceName: `${op}Rs` }, r.faultString) };
    }
    const messages = [...r.messages, ...extra, ...info];
    let status = r.status;
    if (status === 'Ok' && messages.some((m) => m.type === 'Warning')) status = 'OkWithWarnings';
    entry.outcome = outcome ?? (status === 'Ok' ? 'ok' : status === 'OkWithWarnings' ? 'warning' : 'fail');
    entry.errorNumber = messages.find((m) => m.type !== 'Information')?.errorNumber;
    return { httpStatus: 200, body: responseXml(op, { messages, responseId: requestId, status, now: this.d.clock.now() }, r.derived) };
  }
}
