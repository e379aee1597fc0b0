/**
 * The shape of generated/model.json. The generator imports these declarations AND copies everything below this
 * comment verbatim into generated/index.ts, so generated/ stays self-contained and the two cannot drift.
 */

/** One element of a complex type's sequence, as it goes on the wire. */
export interface MemberModel {
  /** The element's local name, exactly as in the XSD. */
  readonly name: string;
  /** The element's namespace on the wire ('' when unqualified): elementFormDefault / form / ref honoured. */
  readonly ns: string;
  /** TYPES key of its type. */
  readonly type: string;
  readonly minOccurs: number;
  /** -1 = unbounded. */
  readonly maxOccurs: number;
  readonly nillable: boolean;
}

export interface ComplexTypeModel {
  readonly kind: 'complex';
  readonly name: string;
  readonly ns: string;
  /** TYPES key of the base type (complexContent extension or restriction, or simpleContent). */
  readonly base?: string;
  /** ALL members in wire order: base members first (recursively), then its own. */
  readonly members: readonly MemberModel[];
}

export interface SimpleTypeModel {
  readonly kind: 'simple';
  readonly name: string;
  readonly ns: string;
  /** The XSD builtin it finally restricts, as a type key, e.g. '{http://www.w3.org/2001/XMLSchema}string'. */
  readonly base: string;
  readonly enumeration?: readonly string[];
  /** An xs:list: whitespace-separated values of `base`. */
  readonly list?: boolean;
}

export type TypeModel = ComplexTypeModel | SimpleTypeModel;

/** A global element declaration. */
export interface ElementModel {
  readonly name: string;
  readonly ns: string;
  readonly type: string;
  readonly nillable: boolean;
}

export interface OperationModel {
  readonly name: string;
  readonly soapAction: string;
  /** ELEMENTS key of the request wrapper element. */
  readonly input: string;
  /** ELEMENTS key of the response wrapper element. */
  readonly output: string;
  /** Set when the wrapper has exactly one member and it is complex (e.g. 'serviceRequest'). */
  readonly requestMember?: string;
  /** TYPES key of the request DTO (that member's type), else of the wrapper's type. */
  readonly requestType: string;
  /** Same rule for the response wrapper (e.g. 'PwsAuthenticateResult'). */
  readonly resultMember?: string;
  readonly resultType: string;
  /** ELEMENTS keys of the fault detail elements. */
  readonly faults: readonly string[];
}

export interface ServiceModel {
  readonly name: string;
  /** The contract's (portType's) target namespace. */
  readonly targetNamespace: string;
  /** The SOAP 1.1 ports of the contract, in WSDL order. */
  readonly ports: readonly { name: string; address: string }[];
}

export const XS_NS = 'http://www.w3.org/2001/XMLSchema';
