/**
 * The changes between two contracts, by meaning: operations by name; types by name, and a type renamed under an
 * operation or a member is followed to its new name (paired) so its members are still compared. Members are
 * compared by name with their namespace, XSD type, occurrence, nillable and position; enums by value. A change to
 * an inherited member is reported once, on the type that declares it, with the worst severity of every type that
 * carries it.
 */
import { classify, worst, type ChangeKind, type Severity } from './classify';
import { stillCompiles, valuesKept, type Direction, type Value } from './kinds';
import type { ComparableContract, ContractMember, ContractType, Usage } from './model';

export interface Change {
  /** The line without its severity: `- operation PwsX`, `~ member PwsType.Name: xs:int -> xs:long`... */
  readonly line: string;
  readonly severity: Severity;
}

type SideKinds = Readonly<Record<Usage, readonly ChangeKind[]>>;
const both = (...kinds: ChangeKind[]): SideKinds => ({ request: kinds, result: kinds });
const SIDES: Readonly<Record<Usage, Direction>> = { request: 'sent', result: 'received' };
const EVERYWHERE: ReadonlySet<Usage> = new Set(['request', 'result']);

const requiredToSend = (m: ContractMember) => !m.many && m.minOccurs >= 1 && !m.nillable;
/**
 * Whether a result member may now be absent where it never was: WCF writes every non-nillable (value type) member
 * even with minOccurs 0, so losing either minOccurs 1 or non-nillable lets undefined reach code that never saw it.
 * A collection arrives as an array either way.
 */
const mayNowBeAbsent = (was: ContractMember, now: ContractMember) =>
  !now.many && ((was.minOccurs >= 1 && now.minOccurs < 1) || (!was.nillable && now.nillable));
const presence = (m: ContractMember) => (requiredToSend(m) ? 'required' : 'optional');

/** The members of `b` that keep their relative order from `a` (a longest common subsequence); the rest moved. */
function unmoved(a: readonly string[], b: readonly string[]): Set<string> {
  const len = a.map(() => new Array<number>(b.length + 1).fill(0));
  len.push(new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) len[i][j] = a[i] === b[j] ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
  const keep = new Set<string>();
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      keep.add(a[i]);
      i++;
      j++;
    } else if (len[i + 1][j] >= len[i][j + 1]) i++;
    else j++;
  }
  return keep;
}

export function compareContracts(before: ComparableContract, after: ComparableContract): Change[] {
  const found = new Map<string, { section: number; path: string; severity: Severity }>();
  const add = (section: number, line: string, kinds: SideKinds, usage: ReadonlySet<Usage>): void => {
    const severity = classify(kinds, usage);
    const path = line.slice(2).split(':')[0];
    const previous = found.get(line);
    found.set(line, { section, path, severity: previous ? worst([previous.severity, severity]) : severity });
  };

  // Pairs of types (new name -> old name): same name first, then renames found under operations and members.
  const oldOf = new Map<string, string>();
  const newOf = new Map<string, string>();
  const queue: string[] = [];
  const pair = (oldName: string, newName: string): void => {
    const [o, n] = [before.types.get(oldName), after.types.get(newName)];
    if (!o || !n || o.kind !== n.kind || oldOf.has(newName) || newOf.has(oldName)) return;
    oldOf.set(newName, oldName);
    newOf.set(oldName, newName);
    queue.push(newName);
  };
  for (const name of after.types.keys()) pair(name, name);
  for (const [name, o] of before.operations) {
    const n = after.operations.get(name);
    if (!n) continue;
    pair(o.requestType, n.requestType);
    pair(o.resultType, n.resultType);
  }
  for (let i = 0; i < queue.length; i++) {
    const [o, n] = [before.types.get(oldOf.get(queue[i])!)!, after.types.get(queue[i])!];
    if (o.kind !== 'complex' || n.kind !== 'complex') continue;
    for (const m of n.members) {
      const was = o.members.find((x) => x.name === m.name);
      const [a, b] = [was && refOf(was.value), refOf(m.value)];
      if (a && b) pair(a, b);
    }
  }

  compareOperations(before, after, add);
  for (const [newName, oldName] of oldOf) {
    const usage = new Set([...(before.usage.get(oldName) ?? []), ...(after.usage.get(newName) ?? [])]);
    compareType(before.types.get(oldName)!, after.types.get(newName)!, usage, (name) => newOf.get(name) ?? name, add);
  }

  return [...found.entries()]
    .sort(([la, a], [lb, b]) => a.section - b.section || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || (la < lb ? -1 : la > lb ? 1 : 0))
    .map(([line, { severity }]) => ({ line, severity }));
}

const refOf = (v: Value): string | undefined => ('complex' in v ? v.complex : 'enum' in v ? v.enum : undefined);

type Add = (section: number, line: string, kinds: SideKinds, usage: ReadonlySet<Usage>) => void;

function compareOperations(before: ComparableContract, after: ComparableContract, add: Add): void {
  for (const name of new Set([...before.operations.keys(), ...after.operations.keys()])) {
    const [o, n] = [before.operations.get(name), after.operations.get(name)];
    if (!n) add(0, `- operation ${name}`, both('operationRemoved'), EVERYWHERE);
    else if (!o) add(0, `+ operation ${name}`, both('operationAdded'), EVERYWHERE);
    else {
      const aspect = (what: string, a: string | undefined, b: string | undefined, kind: ChangeKind) => {
        if (a !== b) add(0, `~ operation ${name}: ${what} ${a ?? '(none)'} -> ${b ?? '(none)'}`, both(kind), EVERYWHERE);
      };
      aspect('SOAPAction', o.soapAction, n.soapAction, 'soapActionChanged');
      aspect('namespace', o.namespace, n.namespace, 'namespaceChanged');
      aspect('request member', o.requestMember, n.requestMember, 'wrapperChanged');
      aspect('result member', o.resultMember, n.resultMember, 'wrapperChanged');
      aspect('request type', o.requestType, n.requestType, 'dtoRenamed');
      aspect('result type', o.resultType, n.resultType, 'dtoRenamed');
    }
  }
}

function compareType(o: ContractType, n: ContractType, usage: ReadonlySet<Usage>, renamed: (oldName: string) => string, add: Add): void {
  if (o.kind === 'enum' && n.kind === 'enum') {
    for (const v of o.values) if (!n.values.includes(v)) add(2, `- enum ${n.name}.${v}`, both('enumValueRemoved'), usage);
    for (const v of n.values) if (!o.values.includes(v)) add(2, `+ enum ${n.name}.${v}`, both('enumValueAdded'), usage);
    return;
  }
  if (o.kind !== 'complex' || n.kind !== 'complex') return;
  const newNames = n.members.map((m) => m.name);
  const oldNames = o.members.map((m) => m.name);
  const kept = unmoved(oldNames.filter((x) => newNames.includes(x)), newNames.filter((x) => oldNames.includes(x)));
  for (const m of o.members) if (!newNames.includes(m.name)) add(1, `- member ${renamed(m.declaredBy)}.${m.name}`, both('memberRemoved'), usage);
  n.members.forEach((m, at) => {
    const was = o.members.find((x) => x.name === m.name);
    const where = `${m.declaredBy}.${m.name}`;
    if (!was) {
      add(1, `+ member ${where}: ${m.xsdType} (${presence(m)})`, { request: [requiredToSend(m) ? 'memberAddedRequired' : 'memberAddedOptional'], result: ['memberAddedOptional'] }, usage);
      return;
    }
    const aspects: [string, string][] = [];
    const kinds: Record<Usage, ChangeKind[]> = { request: [], result: [] };
    const sameValue = refOf(was.value) !== undefined ? renamed(refOf(was.value)!) === refOf(m.value) : JSON.stringify(was.value) === JSON.stringify(m.value);
    if (was.xsdType !== m.xsdType || was.many !== m.many || !sameValue) {
      aspects.push([was.xsdType, m.xsdType]);
      for (const side of ['request', 'result'] as const) kinds[side].push(valueChange(was, m, sameValue, SIDES[side]));
    }
    if (was.minOccurs !== m.minOccurs) aspects.push([was.minOccurs >= 1 ? 'required' : 'optional', m.minOccurs >= 1 ? 'required' : 'optional']);
    if (was.maxOccurs !== m.maxOccurs) aspects.push([was.maxOccurs === 1 ? 'single' : 'repeated', m.maxOccurs === 1 ? 'single' : 'repeated']);
    if (was.nillable !== m.nillable) aspects.push([was.nillable ? 'nillable' : 'not nillable', m.nillable ? 'nillable' : 'not nillable']);
    if (was.minOccurs !== m.minOccurs || was.nillable !== m.nillable || was.many !== m.many) {
      kinds.request.push(!requiredToSend(was) && requiredToSend(m) ? 'becameRequired' : 'presenceRelaxed');
      kinds.result.push(mayNowBeAbsent(was, m) ? 'mayBeAbsent' : 'presenceRelaxed');
    }
    if (was.ns !== m.ns) {
      aspects.push([`namespace ${was.ns || '(none)'}`, `namespace ${m.ns || '(none)'}`]);
      for (const side of ['request', 'result'] as const) kinds[side].push('memberNamespaceChanged');
    }
    if (!kept.has(m.name)) {
      aspects.push([`position ${oldNames.indexOf(m.name) + 1}`, `position ${at + 1}`]);
      for (const side of ['request', 'result'] as const) kinds[side].push('memberMoved');
    }
    if (aspects.length) add(1, `~ member ${where}: ${aspects.map((a) => a[0]).join(', ')} -> ${aspects.map((a) => a[1]).join(', ')}`, kinds, usage);
  });
}

/** What a change of a member's type does in one direction. */
function valueChange(was: ContractMember, now: ContractMember, sameValue: boolean, dir: Direction): ChangeKind {
  if (was.many !== now.many) return 'typeChanged';
  // A complex or enum type replaced by an unrelated one: nothing says the consumer's values still fit.
  if (!sameValue && refOf(was.value) !== undefined && refOf(now.value) !== undefined) return 'typeChanged';
  if (!stillCompiles(was.value, now.value, dir)) return 'typeChanged';
  return dir === 'sent' && !valuesKept(was.value, now.value) ? 'valuesNarrowed' : 'typeWidened';
}
