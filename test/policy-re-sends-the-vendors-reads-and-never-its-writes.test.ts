/**
 * The re-send rule of src/policy.ts against the vendor's real operation list (its 2019 contract, 147 operations,
 * plus the three the live service added since): every operation is classified by its verb or by a named exception,
 * every exception names a real operation, reads are re-sent and the write verbs never are.
 */
import { READ_VERBS, RESEND_EXCEPTIONS, resendDecision, WRITE_VERBS, policyOf } from '../src/policy';
import { OPERATION_NAMES } from '../src/soap/operations';
import { compileVendorContract, describeWithVendorContract } from './support/vendor-contract';

describeWithVendorContract("the re-send policy on the vendor's operations", () => {
  let operations: string[];
  beforeAll(() => {
    operations = [...new Set([...compileVendorContract().wsdl.operations.keys(), ...OPERATION_NAMES])].sort();
  });
  const withVerb = (verb: string) => operations.filter((op) => resendDecision(op).verb === verb);

  it('classifies every operation by its verb or a named exception, none by default', () => {
    expect(operations).toHaveLength(150);
    const unclassified = operations.filter((op) => resendDecision(op).basis === 'unknown verb');
    expect(unclassified).toEqual([]);
    // Every verb in the tables is used: no rule for operations that do not exist.
    for (const verb of [...READ_VERBS, ...WRITE_VERBS]) expect({ verb, used: withVerb(verb).length > 0 }).toEqual({ verb, used: true });
  });

  it('names only real operations as exceptions, and each with a reason', () => {
    for (const [op, exception] of Object.entries(RESEND_EXCEPTIONS)) {
      expect({ op, real: operations.includes(op) }).toEqual({ op, real: true });
      expect(exception.reason.length).toBeGreaterThan(20);
    }
  });

  it('re-sends every read: Get, Search, Check, Test', () => {
    const reads = operations.filter((op) => READ_VERBS.includes(resendDecision(op).verb ?? ''));
    expect(reads).toHaveLength(76);
    expect(reads.filter((op) => !resendDecision(op).resend)).toEqual([]);
    expect(['PwsGetProjectList', 'PwsSearchProjects', 'PwsCheckProjectorLocks', 'PwsTestRateLimiter', 'PwsGetReportOutput'].map((op) => resendDecision(op).resend)).toEqual([true, true, true, true, true]);
  });

  it('never re-sends a Save, Delete, Acquire or Renew, nor any other write verb', () => {
    for (const verb of ['Save', 'Delete', 'Acquire', 'Renew']) expect(withVerb(verb).length).toBeGreaterThan(0);
    const writes = operations.filter((op) => WRITE_VERBS.includes(resendDecision(op).verb ?? ''));
    expect(writes).toHaveLength(69);
    expect(writes.filter((op) => resendDecision(op).resend)).toEqual([]);
    expect(resendDecision('PwsAcquireOauth2Token')).toEqual({ resend: false, basis: 'write verb', verb: 'Acquire' });
  });

  it('re-sends the operations that are idempotent by nature: login, logout, release', () => {
    for (const op of ['PwsAuthenticate', 'PwsUnauthenticate', 'PwsReleaseProjectorLocks']) {
      expect({ op, ...resendDecision(op) }).toMatchObject({ op, resend: true, basis: 'exception' });
    }
  });

  it('treats an operation with an unknown verb as a write, one with a read verb as a read, and lets a client override both', () => {
    expect(resendDecision('PwsFrobnicateWidgets')).toEqual({ resend: false, basis: 'unknown verb', verb: 'Frobnicate' });
    expect(resendDecision('PwsGetWidgets')).toEqual({ resend: true, basis: 'read verb', verb: 'Get' });
    expect(policyOf('PwsFrobnicateWidgets' as never, { PwsFrobnicateWidgets: { idempotent: true } }).idempotent).toBe(true);
    expect(policyOf('PwsGetWidgets' as never, { PwsGetWidgets: { idempotent: false } }).idempotent).toBe(false);
  });
});
