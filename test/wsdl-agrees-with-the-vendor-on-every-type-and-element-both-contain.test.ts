/**
 * wsdl/ was written from the vendor's documentation; the vendor's own 2019 contract is the authority wherever both
 * declare a type, a global element or an operation. Both are compiled by scripts/codegen and compared as the codec
 * sees them: members in wire order (base members first) with namespace, type, occurs and nillable; the base type;
 * enumeration values. What only wsdl/ has must be in the tables below, each with its reason.
 */
import * as path from 'node:path';
import type { ComplexTypeModel, TypeModel } from '../scripts/codegen/model-shape';
import { compileContract, compileVendorContract, describeWithVendorContract, type CompiledContract } from './support/vendor-contract';

const ROOT = path.resolve(__dirname, '..');
const RQ = 'http://projectorpsa.com/DataContracts/Requests/';
const RS = 'http://projectorpsa.com/DataContracts/Responses/';
const COMMON = 'http://projectorpsa.com/DataContracts/Shared/Common/';
const SERVICE = 'http://projectorpsa.com/PwsProjectorServices/';

/** The operations the live service added after 2019 (the vendor's pages document them; the 2019 files lack them). */
const LATER_OPERATIONS = ['PwsAcquireOauth2Token', 'PwsRevokeOauth2RefreshToken', 'PwsTestRateLimiter'];

/** Types and global elements only wsdl/ declares: those of the later operations. */
const LATER_TYPES = [
  ...LATER_OPERATIONS.flatMap((op) => [`{${RQ}}${op}Rq`, `{${RS}}${op}Rs`, `{${SERVICE}}${op}#element`, `{${SERVICE}}${op}Response#element`]),
  // PwsTestRateLimiterRs.RateLimitSnapshot (the PwsTestRateLimiter and PwsRateLimitSnapshot pages).
  `{${COMMON}}PwsRateLimitSnapshot`,
].sort();
const LATER_ELEMENTS = [
  ...LATER_OPERATIONS.flatMap((op) => [`{${RQ}}${op}Rq`, `{${RS}}${op}Rs`, `{${SERVICE}}${op}`, `{${SERVICE}}${op}Response`]),
  `{${COMMON}}PwsRateLimitSnapshot`,
].sort();

/**
 * Members the live service has appended since 2019, by type: after every member of the 2019 contract, in this order.
 * PwsFault.AllowLocksToBeStolenFlag: the PwsFault page documents it last, and lock stealing depends on it.
 */
const LATER_MEMBERS: Record<string, string[]> = { [`{${COMMON}}PwsFault`]: ['AllowLocksToBeStolenFlag'] };

const row = (t: TypeModel) =>
  t.kind === 'simple'
    ? { kind: t.kind, name: t.name, ns: t.ns, base: t.base, enumeration: t.enumeration, list: t.list }
    : { kind: t.kind, name: t.name, ns: t.ns, base: t.base, members: t.members.map((m) => ({ ...m })) };

describeWithVendorContract("wsdl/ against the vendor's 2019 contract", () => {
  let ours: CompiledContract;
  let vendor: CompiledContract;
  beforeAll(() => {
    ours = compileContract(path.join(ROOT, 'wsdl', 'PwsProjectorServices.wsdl'));
    vendor = compileVendorContract();
  });
  const sharedTypes = () => [...ours.schema.types.keys()].filter((k) => vendor.schema.types.has(k) && !k.startsWith('{http://www.w3.org/2001/XMLSchema}'));

  it('declares every type the vendor also has exactly as the vendor does (members, order, namespaces, types, occurs, nillable, base, enumerations)', () => {
    const shared = sharedTypes();
    // The six 2019 operations' requests, results and wrappers, and the common types they use: nothing vacuous.
    expect(shared.length).toBeGreaterThanOrEqual(50);
    for (const key of shared) {
      const mine = row(ours.schema.types.get(key)!);
      const theirs = row(vendor.schema.types.get(key)!);
      const later = LATER_MEMBERS[key] ?? [];
      if (mine.kind === 'complex' && later.length) {
        expect((mine.members ?? []).slice(-later.length).map((m) => m.name)).toEqual(later);
        mine.members = mine.members!.slice(0, -later.length);
      }
      expect({ key, ...mine }).toEqual({ key, ...theirs });
    }
  });

  it('declares every global element the vendor also has with the same type and nillable', () => {
    const shared = [...ours.schema.elements.keys()].filter((k) => vendor.schema.elements.has(k));
    expect(shared.length).toBeGreaterThanOrEqual(50);
    for (const key of shared) expect({ key, ...ours.schema.elements.get(key) }).toEqual({ key, ...vendor.schema.elements.get(key) });
  });

  it('has no type or element of its own beyond those of the three operations added since 2019', () => {
    const onlyOurs = (mine: Iterable<string>, theirs: ReadonlyMap<string, unknown>) =>
      [...mine].filter((k) => !theirs.has(k) && !k.startsWith('{http://www.w3.org/2001/XMLSchema}')).sort();
    expect(onlyOurs(ours.schema.types.keys(), vendor.schema.types)).toEqual(LATER_TYPES);
    expect(onlyOurs(ours.schema.elements.keys(), vendor.schema.elements)).toEqual(LATER_ELEMENTS);
  });

  it('keeps the later members where the vendor documents them, after the 2019 ones', () => {
    for (const [key, names] of Object.entries(LATER_MEMBERS)) {
      const theirs = vendor.schema.types.get(key) as ComplexTypeModel;
      expect(theirs.members.map((m) => m.name)).not.toEqual(expect.arrayContaining(names));
    }
  });

  it('declares every operation the vendor also has with the same SOAPAction, messages, wrappers and faults', () => {
    const shared = [...ours.wsdl.operations.keys()].filter((op) => vendor.wsdl.operations.has(op));
    expect(shared).toEqual(['PwsAcquireProjectorLocks', 'PwsAuthenticate', 'PwsCheckProjectorLocks', 'PwsReleaseProjectorLocks', 'PwsRenewProjectorLocks', 'PwsUnauthenticate']);
    for (const op of shared) expect(ours.wsdl.operations.get(op)).toEqual(vendor.wsdl.operations.get(op));
    expect([...ours.wsdl.operations.keys()].filter((op) => !vendor.wsdl.operations.has(op))).toEqual([...LATER_OPERATIONS].sort());
    expect({ ...ours.wsdl.service, ports: [] }).toEqual({ ...vendor.wsdl.service, ports: [] });
  });
});
