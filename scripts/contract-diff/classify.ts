/**
 * Which changes break a consumer, as one table (README "When the vendor changes the service" shows it). A consumer
 * is broken when its code stops compiling against the regenerated SDK (RequestOf / ResultOf), or when a call that
 * works today fails or silently loses data while builds and servers of both contract versions are live (WCF drops
 * request elements it does not expect, in a wrong namespace or out of order, without an error).
 *
 * Member changes depend on where the type is reachable from: an operation's request, its result, or both (the worst
 * side wins). A change to a type no operation reaches breaks nothing.
 */
import type { Usage } from './model';

export type Severity = 'breaking' | 'notable' | 'compatible';

export interface Rule {
  /** The change, as the README table words it. */
  readonly change: string;
  readonly request: Severity;
  readonly result: Severity;
  /** Why, from the consumer's side. */
  readonly why: string;
}

export const RULES = {
  operationRemoved: { change: 'an operation removed', request: 'breaking', result: 'breaking', why: 'calls to it no longer compile' },
  operationAdded: { change: 'an operation added', request: 'compatible', result: 'compatible', why: 'nothing used it before' },
  soapActionChanged: { change: "an operation's SOAPAction changed", request: 'breaking', result: 'breaking', why: 'a build with the old action is refused by the new service, and the other way round' },
  namespaceChanged: { change: "an operation's namespace changed", request: 'breaking', result: 'breaking', why: 'the wrapper element is not found: the call fails' },
  wrapperChanged: { change: "an operation's wrapper member renamed (serviceRequest, PwsXResult)", request: 'breaking', result: 'breaking', why: 'the service does not find the request, or the SDK the result' },
  dtoRenamed: { change: "an operation's request or result type renamed", request: 'compatible', result: 'compatible', why: 'RequestOf / ResultOf name no type; the members are compared under the new name' },
  memberRemoved: { change: 'a member removed', request: 'breaking', result: 'breaking', why: 'code that sets or reads it no longer compiles' },
  memberAddedOptional: { change: 'an optional member added', request: 'compatible', result: 'compatible', why: 'existing requests need not set it; results gain a field' },
  memberAddedRequired: { change: 'a required member added (minOccurs 1, not nillable)', request: 'breaking', result: 'compatible', why: 'existing request literals lack it; a result gains a field' },
  typeChanged: { change: "a member's TypeScript type changed (xs:int -> xs:long is number -> string in results)", request: 'breaking', result: 'breaking', why: 'what the consumer passes is no longer accepted / what it reads no longer fits' },
  valuesNarrowed: { change: "a member's XSD type allows fewer values, same TypeScript type (xs:int -> xs:short)", request: 'breaking', result: 'compatible', why: 'values that are sent today are refused' },
  typeWidened: { change: "a member's XSD type changed, the TypeScript type still fits (xs:int -> xs:long in a request, xs:short -> xs:int in a result)", request: 'compatible', result: 'compatible', why: 'still compiles, every value still fits' },
  becameRequired: { change: 'a member became required (minOccurs 1, not nillable)', request: 'breaking', result: 'compatible', why: 'requests that leave it out no longer compile; a result member that is always there still fits' },
  mayBeAbsent: { change: 'a member may now be absent: it became optional (minOccurs 1 -> 0) or nillable (not for collections)', request: 'compatible', result: 'breaking', why: 'undefined arrives where it never did (WCF always writes a non-nillable member), or ResultOf makes it optional and reading it without a check no longer compiles' },
  presenceRelaxed: { change: 'any other change of minOccurs / nillable (a collection made optional or nillable: still an array)', request: 'compatible', result: 'compatible', why: 'the TypeScript type stays the same and the value is as present as before' },
  memberNamespaceChanged: { change: "a member's namespace changed", request: 'breaking', result: 'breaking', why: 'builds of the other version write or look for the element in the wrong namespace' },
  memberMoved: { change: 'a member moved in the sequence', request: 'breaking', result: 'compatible', why: 'WCF drops out-of-order request elements silently; the SDK reads results by name' },
  enumValueRemoved: { change: 'an enum value removed', request: 'breaking', result: 'breaking', why: 'code that sends or compares the value no longer compiles' },
  enumValueAdded: { change: 'an enum value added', request: 'compatible', result: 'notable', why: 'compatible, but an exhaustive switch over a result no longer covers every value' },
} as const satisfies Record<string, Rule>;

export type ChangeKind = keyof typeof RULES;

const RANK: Record<Severity, number> = { compatible: 0, notable: 1, breaking: 2 };

export const worst = (severities: readonly Severity[]): Severity =>
  severities.reduce<Severity>((a, b) => (RANK[b] > RANK[a] ? b : a), 'compatible');

/** The severity of a change (its kinds on each side) to a type used as `usage`; operation changes pass both sides. */
export function classify(kinds: Readonly<Record<Usage, readonly ChangeKind[]>>, usage: ReadonlySet<Usage>): Severity {
  return worst([...usage].flatMap((side) => kinds[side].map((k) => RULES[k][side] as Severity)));
}
