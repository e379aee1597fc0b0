/**
 * Response templates, checked against the vendor examples by the golden tests. `p` is the prefix of the shared
 * (Shared/Common) namespace: `b:` inside operation results, none inside PwsFault (whose default namespace it is).
 */
import { NS } from '../soap/operations';
import type { OperationName } from '../soap/operations';
import type { SimMessage } from './catalogue';
import { complex, el, esc, SOAP_ENVELOPE_CLOSE, SOAP_ENVELOPE_OPEN, timestamp, XMLNS_B } from './xml-writer';

export interface UserView {
  displayName: string;
  referenceSystemId?: string;
  userUid: string;
  emailAddress?: string;
  firstName?: string;
  lastName?: string;
  middleName?: string;
}

export interface EntityView {
  entityCode: string;
  entityUid: string;
  lockType: string;
}

export interface LockSummaryItemView {
  lockCount: number;
  holder: UserView;
  mostRecentAcquisitionAt: number;
}

export interface EntityLockSummaryView {
  entity: EntityView;
  items: LockSummaryItemView[];
}

export interface ProjectorLockView {
  entity: EntityView;
  entityTimestamp?: string;
  lockStolenFlag: boolean;
  stolenLocks: LockSummaryItemView[];
}

export interface StolenLockView {
  thief: UserView;
  lockSetId: number;
}

export type RequestStatus = 'Ok' | 'OkWithWarnings' | 'Fail' | 'FailSessionInvalid';

export const messagesXml = (messages: SimMessage[], p: string): string =>
  messages
    .map(
      (m) =>
        `<${p}PwsMessage>${el(`${p}AdditionalErrorText`, m.additionalErrorText)}${el(`${p}ErrorCode`, m.errorCode)}` +
        `${el(`${p}ErrorNumber`, m.errorNumber)}${el(`${p}ErrorText`, m.errorText)}${el(`${p}Type`, m.type)}` +
        `<${p}ReferenceId1 i:nil="true"/><${p}ReferenceId2 i:nil="true"/></${p}PwsMessage>`,
    )
    .join('');

export const userRefXml = (u: UserView, p: string): string =>
  `${el(`${p}UserDisplayName`, u.displayName)}<${p}UserId i:nil="true"/>${el(`${p}UserReferenceSystemId`, u.referenceSystemId)}${el(`${p}UserUid`, u.userUid)}`;

export const userSummaryXml = (u: UserView, p: string): string =>
  `${userRefXml(u, p)}${el(`${p}EmailAddress`, u.emailAddress)}${el(`${p}FirstName`, u.firstName)}` +
  `${el(`${p}LastName`, u.lastName)}${el(`${p}MiddleName`, u.middleName)}`;

export const entityXml = (e: EntityView, p: string): string =>
  `${el(`${p}EntityCode`, e.entityCode)}<${p}EntityId i:nil="true"/>${el(`${p}EntityUid`, e.entityUid)}${el(`${p}LockType`, e.lockType)}`;

export const summaryItemsXml = (items: LockSummaryItemView[], p: string): string =>
  items
    .map(
      (i) =>
        `<${p}PwsEntityLockSummaryItem>${el(`${p}LockCount`, i.lockCount)}` +
        `${complex(`${p}LockHolderUserIdentity`, userRefXml(i.holder, p))}` +
        `${el(`${p}MostRecentLockAcquisitionTimestamp`, timestamp(i.mostRecentAcquisitionAt))}</${p}PwsEntityLockSummaryItem>`,
    )
    .join('');

export const entityLockSummariesXml = (list: EntityLockSummaryView[], p: string): string =>
  list
    .map(
      (s) =>
        `<${p}PwsEntityLockSummary>${complex(`${p}EntityIdentity`, entityXml(s.entity, p))}` +
        `${complex(`${p}EntityLockSummary`, summaryItemsXml(s.items, p))}</${p}PwsEntityLockSummary>`,
    )
    .join('');

export const projectorLocksXml = (locks: ProjectorLockView[], p: string): string =>
  locks
    .map(
      (l) =>
        `<${p}PwsProjectorLock>${complex(`${p}EntityIdentity`, entityXml(l.entity, p))}${el(`${p}EntityTimestamp`, l.entityTimestamp)}` +
        `${el(`${p}LockStolenFlag`, l.lockStolenFlag)}` +
        `${complex(`${p}StolenLocks`, l.stolenLocks.length ? summaryItemsXml(l.stolenLocks, p) : undefined)}</${p}PwsProjectorLock>`,
    )
    .join('');

export const stolenLockXml = (s: StolenLockView, p: string): string =>
  `${complex(`${p}LockStolenByUser`, userSummaryXml(s.thief, p))}${el(`${p}ProjectorLockSetId`, s.lockSetId)}`;

/** A normal (HTTP 200) response: base members in CommonServices, then the operation's own `a:` members. */
export function responseXml(op: OperationName, base: { messages: SimMessage[]; responseId: number; status: RequestStatus; now: number }, derived = ''): string {
  const cs = ` xmlns="${NS.commonServices}"`;
  const messages = base.messages.length
    ? `<Messages${cs}${XMLNS_B}>${messagesXml(base.messages, 'b:')}</Messages>`
    : `<Messages${cs}${XMLNS_B}/>`;
  return (
    `${SOAP_ENVELOPE_OPEN}<${op}Response xmlns="${NS.service}"><${op}Result xmlns:a="${NS.responses}" xmlns:i="${NS.xsi}">` +
    `${messages}<ResponseId${cs}>${base.responseId}</ResponseId><Status${cs}>${base.status}</Status>` +
    `<ServerTimestampUtc${cs}>${timestamp(base.now)}</ServerTimestampUtc>${derived}</${op}Result></${op}Response>${SOAP_ENVELOPE_CLOSE}`
  );
}

/** An `a:` member holding a Shared/Common structure (nil when `inner` is undefined). */
export const sharedMember = (name: string, inner: string | undefined): string => complex(`a:${name}`, inner, XMLNS_B);

export interface PwsFaultView {
  messages: SimMessage[];
  responseId: number;
  serviceName: string;
  lockHolderUser?: UserView;
  lockHolders?: EntityLockSummaryView[];
  lockTaker?: StolenLockView;
  allowLocksToBeStolen: boolean;
}

export function pwsFaultXml(f: PwsFaultView, faultString: string): string {
  const body =
    `<PwsFault xmlns="${NS.common}" xmlns:i="${NS.xsi}"><Messages>${messagesXml(f.messages, '')}</Messages>` +
    `<ResponseId>${f.responseId}</ResponseId>${el('ServiceName', f.serviceName)}` +
    `${complex('LockHolderUserIdentity', f.lockHolderUser && userRefXml(f.lockHolderUser, ''))}` +
    `${complex('LockHolders', f.lockHolders && entityLockSummariesXml(f.lockHolders, ''))}` +
    `${complex('LockTaker', f.lockTaker && stolenLockXml(f.lockTaker, ''))}` +
    `${el('AllowLocksToBeStolenFlag', f.allowLocksToBeStolen)}</PwsFault>`;
  return soapFaultXml('s:Client', faultString, body);
}

/** A SOAP 1.1 fault as WCF writes it; `detail` is omitted for plain (non-PwsFault) faults. */
export function soapFaultXml(faultCode: string, faultString: string, detail?: string, faultCodeNs?: string): string {
  const code = faultCodeNs ? `<faultcode xmlns:a="${faultCodeNs}">${faultCode}</faultcode>` : `<faultcode>${faultCode}</faultcode>`;
  return (
    `${SOAP_ENVELOPE_OPEN}<s:Fault>${code}<faultstring xml:lang="en-US">${esc(faultString)}</faultstring>` +
    `${detail === undefined ? '' : `<detail>${detail}</detail>`}</s:Fault>${SOAP_ENVELOPE_CLOSE}`
  );
}

export const ADDRESSING_NONE_NS = 'http://schemas.microsoft.com/ws/2005/05/addressing/none';
