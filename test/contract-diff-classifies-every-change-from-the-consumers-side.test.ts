/**
 * The contract diff on real contract text: the repository's wsdl/ is copied, edited (one change of each kind of
 * the README table), compiled by the generator's compiler and compared. Each row prints its one line with its
 * severity. The command itself (fetch, --check, exit codes) is tested end to end in the fetch-wsdl-check file.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RULES } from '../scripts/contract-diff/classify';
import { compareContracts } from '../scripts/contract-diff/compare';
import { formatDiff } from '../scripts/contract-diff/format';
import { readContract, type ComparableContract } from '../scripts/contract-diff/model';
import { parseArgs } from '../scripts/fetch-wsdl-command';

const ROOT = path.resolve(__dirname, '..');
type Edit = [file: string, from: string | RegExp, to: string];

let tmp: string;
let ours: ComparableContract;
let n = 0;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pws-diff-'));
  ours = readContract(path.join(ROOT, 'wsdl'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

/** wsdl/ with `edits` applied; an edit that matches nothing fails the test instead of comparing the same text. */
async function variant(edits: readonly Edit[], renames: Record<string, string> = {}): Promise<ComparableContract> {
  const dir = path.join(tmp, `v${n++}`);
  await fs.mkdir(dir);
  const files = new Map<string, string>();
  for (const f of await fs.readdir(path.join(ROOT, 'wsdl'))) files.set(f, await fs.readFile(path.join(ROOT, 'wsdl', f), 'utf8'));
  for (const [file, from, to] of edits) {
    const text = files.get(file)!;
    const edited = text.replace(from, to);
    if (edited === text) throw new Error(`edit of ${file} matched nothing: ${from}`);
    files.set(file, edited);
  }
  for (const [name, text] of files) await fs.writeFile(path.join(dir, renames[name] ?? name), text);
  return readContract(dir);
}

const lines = (before: ComparableContract, after: ComparableContract) => formatDiff(compareContracts(before, after), 'text', '');

const PWS_TEST_RATE_LIMITER = /<wsdl:operation name="PwsTestRateLimiter">[\s\S]*?<\/wsdl:operation>/g;
const ACTION = 'http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/PwsTestRateLimiter"';
/** xsd5's MessageType enum (results only, through every response's Messages). */
const ERROR_VALUE = '<xs:enumeration value="Error"/>';

test('the same contract, and the same contract with renumbered files and other prefixes, have no changes', async () => {
  expect(lines(ours, ours)).toEqual(['contract: 0 changes, 0 breaking']);
  const relocated: Edit[] = ['PwsProjectorServices.wsdl', 'xsd2.xsd', 'xsd3.xsd', 'xsd4.xsd'].map((f) => [f, /schemaLocation="xsd5\.xsd"/g, 'schemaLocation="xsd9.xsd"']);
  const renamed = await variant([...relocated, ['xsd2.xsd', /q3([:=])/g, 'common$1']], { 'xsd5.xsd': 'xsd9.xsd' });
  expect(lines(ours, renamed)).toEqual(['contract: 0 changes, 0 breaking']);
});

test('an operation removed is breaking, added is compatible', async () => {
  const without = await variant([['PwsProjectorServices.wsdl', PWS_TEST_RATE_LIMITER, '']]);
  expect(lines(ours, without)).toEqual(['- operation PwsTestRateLimiter [breaking]', 'contract: 1 changes, 1 breaking']);
  expect(lines(without, ours)).toEqual(['+ operation PwsTestRateLimiter', 'contract: 1 changes, 0 breaking']);
});

test("an operation's SOAPAction changed is breaking", async () => {
  const moved = await variant([['PwsProjectorServices.wsdl', `soapAction="${ACTION}`, `soapAction="${ACTION.replace('"', 'V2"')}`]]);
  expect(lines(ours, moved)).toEqual([
    `~ operation PwsTestRateLimiter: SOAPAction ${ACTION.slice(0, -1)} -> ${ACTION.slice(0, -1)}V2 [breaking]`,
    'contract: 1 changes, 1 breaking',
  ]);
});

test('a member removed is breaking, once on the type that declares it (an inherited one too)', async () => {
  const fewer = await variant([
    ['xsd5.xsd', '<xs:element minOccurs="0" name="AllowLocksToBeStolenFlag" type="xs:boolean"/>', ''],
    ['xsd3.xsd', '<xs:element minOccurs="0" name="ServerTimestampUtc" nillable="true" type="xs:dateTime"/>', ''],
  ]);
  expect(lines(ours, fewer)).toEqual([
    '- member PwsFault.AllowLocksToBeStolenFlag [breaking]',
    '- member PwsResponse.ServerTimestampUtc [breaking]',
    'contract: 2 changes, 2 breaking',
  ]);
});

test("xs:int -> xs:long breaks a result (number -> string) but not a request (a number is still accepted)", async () => {
  const longer = await variant([
    ['xsd4.xsd', '<xs:element minOccurs="0" name="ExpiresInSeconds" type="xs:int"/>', '<xs:element minOccurs="0" name="ExpiresInSeconds" type="xs:long"/>'],
    ['xsd2.xsd', '<xs:element minOccurs="0" name="LockDurationSeconds" type="xs:int"/>', '<xs:element minOccurs="0" name="LockDurationSeconds" type="xs:long"/>'],
  ]);
  expect(lines(ours, longer)).toEqual([
    '~ member PwsAcquireOauth2TokenRs.ExpiresInSeconds: xs:int -> xs:long [breaking]',
    '~ member PwsAcquireProjectorLocksRq.LockDurationSeconds: xs:int -> xs:long',
    'contract: 2 changes, 1 breaking',
  ]);
});

test('a request member whose type allows fewer values breaks; the same TypeScript type in a result does not', async () => {
  const shorter = await variant([
    ['xsd2.xsd', '<xs:element minOccurs="0" name="LockDurationSeconds" type="xs:int"/>', '<xs:element minOccurs="0" name="LockDurationSeconds" type="xs:short"/>'],
    ['xsd4.xsd', '<xs:element minOccurs="0" name="TimeoutMinutes" type="xs:int"/>', '<xs:element minOccurs="0" name="TimeoutMinutes" type="xs:short"/>'],
  ]);
  expect(lines(ours, shorter)).toEqual([
    '~ member PwsAcquireOauth2TokenRs.TimeoutMinutes: xs:int -> xs:short',
    '~ member PwsAcquireProjectorLocksRq.LockDurationSeconds: xs:int -> xs:short [breaking]',
    'contract: 2 changes, 1 breaking',
  ]);
});

test('a request member made required is breaking; a request member made optional is not', async () => {
  const required = await variant([['xsd2.xsd', '<xs:element minOccurs="0" name="LockDurationSeconds" type="xs:int"/>', '<xs:element name="LockDurationSeconds" type="xs:int"/>']]);
  expect(lines(ours, required)).toEqual(['~ member PwsAcquireProjectorLocksRq.LockDurationSeconds: optional -> required [breaking]', 'contract: 1 changes, 1 breaking']);
  expect(lines(required, ours)).toEqual(['~ member PwsAcquireProjectorLocksRq.LockDurationSeconds: required -> optional', 'contract: 1 changes, 0 breaking']);
});

test('a result member that may now be absent (made optional or nillable) is breaking; a collection stays an array', async () => {
  const withRequired = await variant([['xsd4.xsd', '<xs:element minOccurs="0" name="TimeoutMinutes" type="xs:int"/>', '<xs:element name="TimeoutMinutes" type="xs:int"/>']]);
  expect(lines(withRequired, ours)).toEqual(['~ member PwsAcquireOauth2TokenRs.TimeoutMinutes: required -> optional [breaking]', 'contract: 1 changes, 1 breaking']);
  const nillable = await variant([
    ['xsd4.xsd', '<xs:element minOccurs="0" name="MaxLifetimeMinutes" type="xs:int"/>', '<xs:element minOccurs="0" name="MaxLifetimeMinutes" nillable="true" type="xs:int"/>'],
    ['xsd4.xsd', '<xs:element minOccurs="0" name="Locks" nillable="true" type="q6:ArrayOfPwsProjectorLock"/>', '<xs:element minOccurs="0" name="Locks" type="q6:ArrayOfPwsProjectorLock"/>'],
  ]);
  expect(lines(ours, nillable)).toEqual([
    '~ member PwsAcquireOauth2TokenRs.MaxLifetimeMinutes: not nillable -> nillable [breaking]',
    '~ member PwsAcquireProjectorLocksRs.Locks: nillable -> not nillable',
    'contract: 2 changes, 1 breaking',
  ]);
  expect(lines(nillable, ours)).toEqual([
    '~ member PwsAcquireOauth2TokenRs.MaxLifetimeMinutes: nillable -> not nillable',
    '~ member PwsAcquireProjectorLocksRs.Locks: not nillable -> nillable',
    'contract: 2 changes, 0 breaking',
  ]);
});

test('an enum value removed is breaking; added to a result enum it is notable', async () => {
  const fewer = await variant([['xsd5.xsd', ERROR_VALUE, '']]);
  expect(lines(ours, fewer)).toEqual(['- enum MessageType.Error [breaking]', 'contract: 1 changes, 1 breaking']);
  expect(lines(fewer, ours)).toEqual(['+ enum MessageType.Error [notable]', 'contract: 1 changes, 0 breaking']);
});

test('an enum value added to an enum only requests use is compatible', async () => {
  const kind = (values: string[]): Edit[] => [
    ['xsd5.xsd', '<xs:simpleType name="MessageType">', `<xs:simpleType name="CultureKind"><xs:restriction base="xs:string">${values.map((v) => `<xs:enumeration value="${v}"/>`).join('')}</xs:restriction></xs:simpleType>\n  <xs:simpleType name="MessageType">`],
    ['xsd2.xsd', 'name="CultureName" nillable="true" type="xs:string"', 'name="CultureName" nillable="true" type="q3:CultureKind"'],
  ];
  const [before, after] = [await variant(kind(['en'])), await variant(kind(['en', 'nl']))];
  expect(lines(before, after)).toEqual(['+ enum CultureKind.nl', 'contract: 1 changes, 0 breaking']);
  expect(lines(after, before)).toEqual(['- enum CultureKind.nl [breaking]', 'contract: 1 changes, 1 breaking']);
});

test('an optional request member added is compatible, a required one breaking; a result member added is compatible', async () => {
  const added = await variant([
    ['xsd2.xsd', '<xs:element minOccurs="0" name="RefreshToken" nillable="true" type="xs:string"/>\n        </xs:sequence>', '<xs:element minOccurs="0" name="RefreshToken" nillable="true" type="xs:string"/>\n          <xs:element minOccurs="0" name="Scope" nillable="true" type="xs:string"/>\n        </xs:sequence>'],
    ['xsd2.xsd', '<xs:element minOccurs="0" name="ProjectorLockSetId" type="xs:int"/>\n        </xs:sequence>\n      </xs:extension>\n    </xs:complexContent>\n  </xs:complexType>\n  <xs:element name="PwsRenewProjectorLocksRq"', '<xs:element minOccurs="0" name="ProjectorLockSetId" type="xs:int"/>\n          <xs:element name="Reason" type="xs:int"/>\n        </xs:sequence>\n      </xs:extension>\n    </xs:complexContent>\n  </xs:complexType>\n  <xs:element name="PwsRenewProjectorLocksRq"'],
    ['xsd4.xsd', '<xs:element minOccurs="0" name="TokenType" nillable="true" type="xs:string"/>', '<xs:element minOccurs="0" name="TokenType" nillable="true" type="xs:string"/>\n          <xs:element name="Scope" type="xs:decimal"/>'],
  ]);
  expect(lines(ours, added)).toEqual([
    '+ member PwsAcquireOauth2TokenRq.Scope: xs:string (optional)',
    '+ member PwsAcquireOauth2TokenRs.Scope: xs:decimal (required)',
    '+ member PwsRenewProjectorLocksRq.Reason: xs:int (required) [breaking]',
    'contract: 3 changes, 1 breaking',
  ]);
});

test('a request member moved or put in another namespace is breaking (WCF drops it); a result member moved is not', async () => {
  const moved = await variant([
    ['xsd2.xsd', /(<xs:element minOccurs="0" name="Code" [^>]*\/>)(\s*)(<xs:element minOccurs="0" name="CodeVerifier" [^>]*\/>)/, '$3$2$1'],
    ['xsd4.xsd', /(<xs:element minOccurs="0" name="AccessToken" [^>]*\/>)(\s*)(<xs:element minOccurs="0" name="ExpiresInSeconds" [^>]*\/>)/, '$3$2$1'],
    ['xsd5.xsd', '<xs:element minOccurs="0" name="EntityTimestamp" nillable="true" type="xs:string"/>', '<xs:element minOccurs="0" name="EntityTimestamp" nillable="true" type="xs:string" form="unqualified"/>'],
  ]);
  expect(lines(ours, moved)).toEqual([
    '~ member PwsAcquireOauth2TokenRq.Code: position 5 -> position 6 [breaking]',
    '~ member PwsAcquireOauth2TokenRs.AccessToken: position 5 -> position 6',
    '~ member PwsProjectorLockRequest.EntityTimestamp: namespace http://projectorpsa.com/DataContracts/Shared/Common/ -> namespace (none) [breaking]',
    'contract: 3 changes, 2 breaking',
  ]);
});

test('a change to a type no operation reaches breaks nothing', async () => {
  const unused = `<xs:complexType name="PwsUnused"><xs:sequence><xs:element minOccurs="0" name="A" type="xs:int"/></xs:sequence></xs:complexType>\n  <xs:simpleType name="MessageType">`;
  const [before, after] = [await variant([['xsd5.xsd', '<xs:simpleType name="MessageType">', unused]]), await variant([['xsd5.xsd', '<xs:simpleType name="MessageType">', unused.replace('xs:int', 'xs:string')]])];
  expect(lines(before, after)).toEqual(['~ member PwsUnused.A: xs:int -> xs:string', 'contract: 1 changes, 0 breaking']);
});

test('--format markdown prints the same changes as a CHANGELOG section, by severity', async () => {
  const changed = await variant([['PwsProjectorServices.wsdl', PWS_TEST_RATE_LIMITER, ''], ['xsd5.xsd', ERROR_VALUE, '']]);
  expect(formatDiff(compareContracts(changed, ours), 'markdown', 'wsdl/ -> http://x/y.svc')).toEqual([
    '### Service contract: wsdl/ -> http://x/y.svc',
    '',
    '#### Notable (compatible, but exhaustive switches over results miss the new values)',
    '',
    '- `+ enum MessageType.Error`',
    '',
    '#### Compatible',
    '',
    '- `+ operation PwsTestRateLimiter`',
    '',
    'contract: 2 changes, 0 breaking',
  ]);
});

test('the README table states every rule of the classification, with the same severities', async () => {
  const readme = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8');
  const rows = new Map([...readme.matchAll(/^\| (.+?) \| (breaking|compatible|notable) \| (breaking|compatible|notable) \| .* \|$/gm)].map((m) => [m[1], [m[2], m[3]]]));
  for (const rule of Object.values(RULES)) expect([rule.change, rows.get(rule.change)]).toEqual([rule.change, [rule.request, rule.result]]);
  expect(rows.size).toBe(Object.keys(RULES).length);
});

test('a result type renamed under an operation is followed to its new name (compatible) and its members compared there', async () => {
  const renamed = await variant([
    ['xsd4.xsd', /PwsTestRateLimiterRs"/g, 'PwsTestRateLimiterResult"'],
    ['xsd0.xsd', /PwsTestRateLimiterRs"/g, 'PwsTestRateLimiterResult"'],
    ['xsd4.xsd', '<xs:element minOccurs="0" name="RateLimitSnapshot" nillable="true"', '<xs:element minOccurs="0" name="Snapshot" nillable="true"'],
  ]);
  expect(lines(ours, renamed)).toEqual([
    '~ operation PwsTestRateLimiter: result type PwsTestRateLimiterRs -> PwsTestRateLimiterResult',
    '- member PwsTestRateLimiterResult.RateLimitSnapshot [breaking]',
    '+ member PwsTestRateLimiterResult.Snapshot: PwsRateLimitSnapshot (optional)',
    'contract: 3 changes, 1 breaking',
  ]);
});

test("an enum member turned into a string breaks a result but not a request", async () => {
  const stringly = await variant([['xsd5.xsd', '<xs:element minOccurs="0" name="Type" type="tns:MessageType"/>', '<xs:element minOccurs="0" name="Type" type="xs:string"/>']]);
  expect(lines(ours, stringly)).toEqual(['~ member PwsMessage.Type: MessageType -> xs:string [breaking]', 'contract: 1 changes, 1 breaking']);
});

test('the command line takes --check and --format text|markdown, and refuses any other format', () => {
  expect(parseArgs(['http://h/x.svc', '--check', '--format=markdown'])).toEqual({ url: 'http://h/x.svc', check: true, format: 'markdown' });
  expect(parseArgs(['http://h/x.svc', '--out', 'elsewhere'])).toEqual({ url: 'http://h/x.svc', check: false, format: 'text', outDir: 'elsewhere' });
  expect(parseArgs(['http://h/x.svc', '--format', 'html'])).toEqual({ error: '--format is text or markdown, not html' });
  expect(parseArgs(['http://h/x.svc', '--format'])).toEqual({ error: '--format needs text or markdown' });
});

test("an operation's namespace or wrapper member changed is breaking", async () => {
  const [ns, v2] = ['http://projectorpsa.com/PwsProjectorServices/', 'http://projectorpsa.com/PwsProjectorServices/V2/'];
  const moved = await variant([
    ['xsd0.xsd', `targetNamespace="${ns}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="${ns}"`, `targetNamespace="${v2}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="${v2}"`],
    ['PwsProjectorServices.wsdl', `schemaLocation="xsd0.xsd" namespace="${ns}"`, `schemaLocation="xsd0.xsd" namespace="${v2}"`],
    ['PwsProjectorServices.wsdl', 'xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"', `xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:v2="${v2}"`],
    ['PwsProjectorServices.wsdl', /element="tns:/g, 'element="v2:'],
  ]);
  const all = lines(ours, moved);
  expect(all).toContain(`~ operation PwsTestRateLimiter: namespace ${ns} -> ${v2} [breaking]`);
  expect(all).toEqual([...ours.operations.keys()].map((op) => `~ operation ${op}: namespace ${ns} -> ${v2} [breaking]`).concat([`contract: ${ours.operations.size} changes, ${ours.operations.size} breaking`]));
  const rewrapped = await variant([['xsd0.xsd', 'name="PwsTestRateLimiterResult" nillable="true"', 'name="Result" nillable="true"']]);
  expect(lines(ours, rewrapped)).toEqual(['~ operation PwsTestRateLimiter: result member PwsTestRateLimiterResult -> Result [breaking]', 'contract: 1 changes, 1 breaking']);
});
