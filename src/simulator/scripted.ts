/**
 * Operations answered by scripts (`sim.handle(operation, handler)`) and operations without built-in behaviour, in
 * the shapes `client.call` uses: the validated request tree is decoded by the codec's Decoder (the schema model),
 * and handed to the handler without RequestId and SessionTicket; the handler's reply is completed with the base members, encoded by the codec's Encoder and
 * written by the schema-driven writer. A handler may throw SimulatedFault to answer a PwsFault.
 */
import { Decoder, ELEMENTS, Encoder, TYPES } from '../soap/codec';
import { OPERATIONS, SDK_FILLED_MEMBERS, type OperationName } from '../soap/operations';
import type { MessageType } from '../types';
import type { SimMessage } from './catalogue';
import type { XNode } from './request-parser';
import { SchemaWriter } from './schema-writer';
import { pwsFaultXml, soapFaultXml } from './templates';
import { timestamp } from './xml-writer';

/** One message of a SimulatedFault, in the camelCase of the SDK's errors. */
export interface SimulatedFaultMessage {
  errorNumber: number;
  errorCode?: string;
  errorText?: string;
  /** Default 'Error'. */
  type?: MessageType;
  additionalErrorText?: string;
}

export interface SimulatedFaultOptions {
  /** The fault's messages; the first Error decides the class of the error the client throws. */
  messages: SimulatedFaultMessage[];
  /** The SOAP faultstring; default: the first message's errorText. */
  faultString?: string;
  /**
   * More members of the fault detail (the operation's first declared fault element, PwsFault), in call shape:
   * e.g. `{ AllowLocksToBeStolenFlag: false, LockHolders: [...] }`. Encoded by the schema like any result.
   */
  detail?: Record<string, unknown>;
}

/**
 * Thrown by a `sim.handle` handler to answer with a SOAP fault (HTTP 500, faultcode s:Client, detail PwsFault),
 * the channel Projector uses for lock conflicts and rate limiting. The client maps it to its typed error.
 */
export class SimulatedFault extends Error {
  override readonly name = 'SimulatedFault';
  readonly messages: readonly SimulatedFaultMessage[];
  readonly faultString: string;
  readonly detail: Readonly<Record<string, unknown>>;

  constructor(options: SimulatedFaultOptions) {
    if (!options || !Array.isArray(options.messages)) throw new TypeError('SimulatedFault needs { messages: [...] }');
    const faultString = options.faultString ?? options.messages[0]?.errorText ?? 'The simulated service reported a fault.';
    super(faultString);
    this.messages = options.messages.map((m) => ({ ...m }));
    this.faultString = faultString;
    this.detail = { ...options.detail };
  }
}

/** Anything that looks like a SimulatedFault (also one from another copy of this module). */
export function isSimulatedFault(e: unknown): e is SimulatedFault {
  return e instanceof SimulatedFault || (e instanceof Error && e.name === 'SimulatedFault' && Array.isArray((e as SimulatedFault).messages));
}

/** A handler failed, or returned something the schema refuses: answered as an s:Server fault naming the problem. */
export class HandlerFailure extends Error {
  override readonly name = 'HandlerFailure';
}

/** The request DTO as `call` takes it (RequestId and SessionTicket removed), decoded by the schema model. */
export function decodeRequest(op: OperationName, dto: XNode | undefined): Record<string, unknown> {
  const decoded = new Decoder(op).complex(OPERATIONS[op].requestType, dto && !dto.nil ? dto : undefined, 'request');
  for (const filled of SDK_FILLED_MEMBERS) delete decoded[filled];
  return decoded;
}

/** A simulator message in the wire shape of PwsMessage. */
export const wireMessage = (m: SimMessage | SimulatedFaultMessage): Record<string, unknown> => ({
  AdditionalErrorText: m.additionalErrorText,
  ErrorCode: m.errorCode,
  ErrorNumber: m.errorNumber,
  ErrorText: m.errorText,
  Type: m.type ?? 'Error',
});

const memberNames = (typeKey: string): ReadonlySet<string> => {
  const t = TYPES[typeKey];
  return new Set(t?.kind === 'complex' ? t.members.map((m) => m.name) : []);
};

const writer = new SchemaWriter();

function encodeFailure(op: OperationName, what: string, e: unknown): HandlerFailure {
  return new HandlerFailure(`The simulator could not answer ${op}: the codec refused the ${what} (${e instanceof Error ? e.message : String(e)}).`);
}

export interface ScriptedReply {
  body: string;
  status: string;
  errorNumber?: number;
}

/**
 * A normal answer: the handler's (partial) result completed with the base members the type has (Messages: the
 * handler's, then `extra`; ResponseId: the request's; Status: Ok, or OkWithWarnings when a message is a Warning;
 * ServerTimestampUtc: now, 7 fractional digits), encoded and written by the schema.
 */
export function scriptedResponse(op: OperationName, value: Record<string, unknown>, extra: SimMessage[], requestId: number, now: number): ScriptedReply {
  const model = OPERATIONS[op];
  const has = memberNames(model.resultType);
  const given = Array.isArray(value.Messages) ? (value.Messages as Record<string, unknown>[]) : [];
  const messages = [...given, ...extra.map(wireMessage)];
  const warned = messages.some((m) => m?.Type === 'Warning');
  let status = typeof value.Status === 'string' ? value.Status : warned ? 'OkWithWarnings' : 'Ok';
  if (status === 'Ok' && extra.some((m) => m.type === 'Warning')) status = 'OkWithWarnings';
  const full: Record<string, unknown> = { ...value };
  if (has.has('Messages')) full.Messages = messages;
  if (has.has('ResponseId')) full.ResponseId = value.ResponseId ?? requestId;
  if (has.has('Status')) full.Status = status;
  if (has.has('ServerTimestampUtc')) full.ServerTimestampUtc = value.ServerTimestampUtc ?? timestamp(now);
  let body: string;
  try {
    body = writer.response(model, new Encoder(op).complex(model.resultType, full, 'result'));
  } catch (e) {
    throw encodeFailure(op, 'result', e);
  }
  const errorNumber = messages.find((m) => m?.Type !== 'Information')?.ErrorNumber;
  return { body, status, errorNumber: typeof errorNumber === 'number' ? errorNumber : undefined };
}

/** A SimulatedFault as a SOAP fault whose detail is the operation's declared fault element (PwsFault). */
export function scriptedFault(op: OperationName, fault: SimulatedFault, extra: SimMessage[], requestId: number): string {
  const element = OPERATIONS[op].faults[0];
  if (!element || !ELEMENTS[element]) {
    const messages: SimMessage[] = [...fault.messages.map((m) => ({ ...m, errorCode: m.errorCode ?? '', errorText: m.errorText ?? '', type: m.type ?? 'Error' })), ...extra];
    return pwsFaultXml({ messages, responseId: requestId, serviceName: `${op}Rs`, allowLocksToBeStolen: fault.detail.AllowLocksToBeStolenFlag !== false }, fault.faultString);
  }
  const type = ELEMENTS[element].type;
  const has = memberNames(type);
  const value: Record<string, unknown> = {};
  if (has.has('Messages')) value.Messages = [...fault.messages.map(wireMessage), ...extra.map(wireMessage)];
  if (has.has('ResponseId')) value.ResponseId = requestId;
  if (has.has('ServiceName')) value.ServiceName = `${op}Rs`;
  Object.assign(value, fault.detail);
  let detail: string;
  try {
    detail = writer.detail(element, new Encoder(op).complex(type, value, 'fault'));
  } catch (e) {
    throw encodeFailure(op, 'SimulatedFault', e);
  }
  return soapFaultXml('s:Client', fault.faultString, detail);
}
