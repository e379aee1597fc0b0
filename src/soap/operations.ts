/**
 * Every operation of the WSDL, as the generated model describes it, and the request/result mapping for any of them.
 * Nothing here lists an operation: the catalogue comes from generated/, so a regenerated WSDL adds operations
 * without code. What the WSDL cannot say (which operations may be re-sent, which need no session) is in policy.ts.
 */
import { ELEMENTS, OPERATION_NAMES, OPERATIONS, SERVICE, TYPES, type OperationModel, type OperationName } from '../../generated';
import type { Operations } from '../../generated/types';
import type * as WireTypes from '../../generated/types';
import { ResponseFormatError } from '../errors';
import { Decoder, Encoder, type ElementModel, type TypeTable, type Wire } from './codec';
import { childNamed, type XNode } from './xml-tree';

export { OPERATION_NAMES, OPERATIONS, SERVICE };
export type { OperationModel, OperationName, Operations, WireTypes };

/** The tables the wire layer reads: the generated contract's, or (tests, benchmarks) another compiled contract's. */
export interface WireTables {
  readonly TYPES: TypeTable;
  readonly ELEMENTS: { readonly [key: string]: ElementModel };
  readonly OPERATIONS: { readonly [operation: string]: OperationModel };
}
export const GENERATED_TABLES: WireTables = { TYPES, ELEMENTS, OPERATIONS };

/** Members of the request base type that the SDK fills in; a caller never passes them. */
export const SDK_FILLED_MEMBERS = ['RequestId', 'SessionTicket'] as const;

export const isOperationName = (name: string): name is OperationName => Object.prototype.hasOwnProperty.call(OPERATIONS, name);

export const soapActionOf = (operation: OperationName): string => OPERATIONS[operation].soapAction;

const byAction = new Map<string, OperationName>(OPERATION_NAMES.map((op) => [OPERATIONS[op].soapAction, op]));
/** The operation a SOAPAction header names, if any. */
export const operationOfAction = (action: string): OperationName | undefined => byAction.get(action);

/**
 * Validates and encodes a caller's request into the wrapper element envelope.ts writes. RequestId and SessionTicket get
 * placeholders in their schema position; the pipeline sets them per attempt.
 */
export function encodeRequest(operation: OperationName, request: unknown, fill: { requestId: number; ticket?: boolean }, tables = GENERATED_TABLES): Wire {
  const model = tables.OPERATIONS[operation];
  const encoder = new Encoder(operation, tables.TYPES);
  const given = request === undefined ? {} : request;
  if (typeof given === 'object' && given !== null) {
    for (const filled of SDK_FILLED_MEMBERS) {
      if (filled in given) encoder.fail(`request.${filled}`, 'is filled in by the SDK; leave it out');
    }
  }
  const body = encoder.complex(model.requestType, given, 'request');
  const full: Wire = {};
  const t = tables.TYPES[model.requestType];
  // Rebuilt in schema order so the SDK-filled base members stand first, as the vendor's examples show.
  for (const m of t?.kind === 'complex' ? t.members : []) {
    if (m.name === 'RequestId') full.RequestId = String(fill.requestId);
    else if (m.name === 'SessionTicket') {
      if (fill.ticket) full.SessionTicket = '';
    } else if (m.name in body) full[m.name] = body[m.name];
  }
  return model.requestMember ? { [model.requestMember]: full } : full;
}

/** The request DTO inside the wrapper (where RequestId and SessionTicket live). */
export function requestBody(operation: OperationName, wire: Wire, tables = GENERATED_TABLES): Wire {
  const member = tables.OPERATIONS[operation].requestMember;
  return member ? (wire[member] as Wire) : wire;
}

/** Decodes the operation's output wrapper element (envelope.ts) into its typed result. */
export function decodeResult(operation: OperationName, wrapper: XNode, tables = GENERATED_TABLES): Record<string, unknown> {
  const model = tables.OPERATIONS[operation];
  const member = model.resultMember ? tables.TYPES[tables.ELEMENTS[model.output].type] : undefined;
  const declared = member?.kind === 'complex' ? member.members.find((m) => m.name === model.resultMember) : undefined;
  const raw = declared ? childNamed(wrapper, declared.ns, declared.name) : wrapper;
  if (!raw || raw.nil) {
    throw new ResponseFormatError(`${operation}: the response has no ${model.resultMember ?? 'result'} element`, { code: 'ResponseFormat', operation });
  }
  return new Decoder(operation, tables.TYPES).complex(model.resultType, raw, model.resultMember ?? 'result');
}

/** Decodes a fault detail of one of the operation's declared fault types (e.g. PwsFault), keyed by element name. */
export function decodeFaultDetail(operation: OperationName, detail: XNode | undefined): { element: string; value: Record<string, unknown> } | undefined {
  if (!detail) return undefined;
  for (const key of OPERATIONS[operation].faults) {
    const element = ELEMENTS[key];
    const raw = element && childNamed(detail, element.ns, element.name);
    if (raw && !raw.nil) return { element: element.name, value: new Decoder(operation).complex(element.type, raw, element.name) };
  }
  return undefined;
}

/** Vendor namespaces the simulator's templates for the built-in operations write (the WSDL's, as the vendor shows them). */
export const NS = {
  soapEnvelope: 'http://schemas.xmlsoap.org/soap/envelope/',
  service: 'http://projectorpsa.com/PwsProjectorServices/',
  requests: 'http://projectorpsa.com/DataContracts/Requests/',
  responses: 'http://projectorpsa.com/DataContracts/Responses/',
  commonServices: 'http://projectorpsa.com/CommonServices/',
  common: 'http://projectorpsa.com/DataContracts/Shared/Common/',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;
