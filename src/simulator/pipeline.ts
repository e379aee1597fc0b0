/**
 * One SOAP request, from raw body to reply, in the order a WCF-hosted Projector would apply its rules:
 * SOAPAction dispatch (ContractFilter), XML + schema validation, session, concurrency throttle, rate limiter
 * (Error mode rejects before the service runs), simulated latency, then the operation itself.
 */
import type { Clock } from '../clock';
import { OPERATIONS, SOAP_ACTION_PREFIX, type OperationName } from '../soap/operations';
import { MSG, rateLimitText, type SimMessage } from './catalogue';
import * as H from './handlers';
import type { LockManager } from './locks';
import type { RateLimiter } from './rate-limiter';
import { counterKeys } from './rate-limiter';
import { child, intOf, parseRequest, RequestInvalidError, textOf, type XNode } from './request-parser';
import type { SchemaModel } from './schema';
import { hashTicket, type Session, type SessionStore } from './sessions';
import { ADDRESSING_NONE_NS, pwsFaultXml, responseXml, soapFaultXml } from './templates';
import type { Outcome, RequestLogEntry } from './types';

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
}

const nonNegative = (n: number | undefined) => Math.max(0, n ?? 0);

export class Engine {
  private readonly active = new Map<string, number>();

  constructor(private readonly d: EngineDeps) {}

  async process(xml: string, soapAction: string | undefined, entry: RequestLogEntry): Promise<Reply> {
    const action = (soapAction ?? '').trim().replace(/^"(.*)"$/, '$1');
    const op = action.startsWith(SOAP_ACTION_PREFIX) ? action.slice(SOAP_ACTION_PREFIX.length) : '';
    if (!Object.prototype.hasOwnProperty.call(OPERATIONS, op)) return this.contractFilter(action, entry);
    const operation = op as OperationName;
    entry.operation = operation;
    let payload: XNode;
    try {
      payload = parseRequest(xml, this.d.model);
    } catch (e) {
      entry.outcome = 'rejected';
      const text = e instanceof RequestInvalidError ? e.message : 'The request could not be read.';
      return { httpStatus: 500, body: soapFaultXml('s:Client', text) };
    }
    if (payload.local !== operation) return this.contractFilter(action, entry, payload.local);
    try {
      return await this.serve(operation, payload, entry);
    } catch {
      entry.outcome = 'fault';
      return { httpStatus: 500, body: soapFaultXml('s:Server', 'The server was unable to process the request due to an internal error.') };
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
    const rq = child(payload, 'serviceRequest');
    const requestId = intOf(rq, 'RequestId') ?? 0;
    entry.requestId = requestId;
    const respond = (r: H.HandlerResult, outcome?: Outcome, extra: SimMessage[] = []): Reply => this.reply(op, requestId, r, entry, outcome, extra);

    let accountCode: string;
    let userName: string;
    let session: Session | undefined;
    if (op === 'PwsAuthenticate') {
      accountCode = textOf(rq, 'AccountCode')?.trim() ?? '';
      userName = textOf(rq, 'UserName')?.trim() ?? '';
      entry.accountCode = accountCode || undefined;
      entry.userName = userName || undefined;
      const redirectKey = Object.keys(this.d.redirect).find((k) => k.toLowerCase() === accountCode.toLowerCase());
      if (redirectKey) return respond(H.redirectResult(this.d.redirect[redirectKey]));
      if (!accountCode || !userName || !textOf(rq, 'Password')) {
        return respond(H.authenticateFailure(MSG.invalidValue('AccountCode, UserName and Password are required.')));
      }
    } else {
      const ticket = textOf(rq, 'SessionTicket')?.trim();
      if (ticket) entry.ticketHash = hashTicket(ticket);
      const found = this.d.sessions.resolve(ticket);
      if ('error' in found) {
        const message = found.error === 'ended' ? MSG.invalidSession() : MSG.invalidSessionTicket();
        return respond({ kind: 'response', status: 'FailSessionInvalid', messages: [message], derived: H.EMPTY_DERIVED[op] });
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
      return await this.run(op, rq, requestId, entry, accountCode, userName, session, respond);
    } finally {
      const left = (this.active.get(userKey) ?? 1) - 1;
      if (left > 0) this.active.set(userKey, left);
      else this.active.delete(userKey);
    }
  }

  private async run(
    op: OperationName,
    rq: XNode | undefined,
    requestId: number,
    entry: RequestLogEntry,
    accountCode: string,
    userName: string,
    session: Session | undefined,
    respond: (r: H.HandlerResult, outcome?: Outcome, extra?: SimMessage[]) => Reply,
  ): Promise<Reply> {
    const { limiter } = this.d;
    const keys = counterKeys(accountCode, userName, session?.ticket);
    if (op === 'PwsTestRateLimiter') {
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
    switch (op) {
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
    }
  }

  private reply(op: OperationName, requestId: number, r: H.HandlerResult, entry: RequestLogEntry, outcome: Outcome | undefined, extra: SimMessage[]): Reply {
    const where = this.d.nonProduction();
    const info = where === undefined ? [] : [MSG.nonProduction(where)];
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
