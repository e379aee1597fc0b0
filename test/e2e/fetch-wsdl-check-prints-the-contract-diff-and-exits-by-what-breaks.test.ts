/**
 * `npm run fetch-wsdl -- <url> [--check] [--format markdown]`, run exactly as the README documents it, in a temp copy
 * of the repository, against the vendor's real 2019 contract served the way WCF serves it (scripts/vendor-service.ts):
 * as is, with its schemas renumbered, and with one change of a kind per server. The first run replaces wsdl/ with
 * the vendor's contract and prints the diff against ours; every later run is a --check against it.
 */
import { readVendorContract, renumbered, startWcfService, vendorWsdlDir, type RunningWcfService, type ServedContract } from '../../scripts/vendor-service';
import { digestTree } from '../support/digest-tree';
import { copyProject, runFetchWsdlCommand, type CommandResult, type ProjectCopy } from '../support/wcf-service';

const here = vendorWsdlDir();
if (!here && process.env.CI !== 'true') {
  console.warn('SKIPPED fetch-wsdl --check end to end: the vendor WSDL is not here (set PROJECTOR_VENDOR_WSDL or put shared/ beside the checkout)');
}
// Under CI the suite runs anyway, so a missing folder fails it (readVendorContract throws) instead of passing.
const suite = here || process.env.CI === 'true' ? describe : describe.skip;

/** The script's own output: stdout without npm's `> script` banner and blank lines. */
const output = (r: CommandResult) => r.stdout.split('\n').filter((l) => l.trim() && !l.startsWith('> '));
// Each run costs a ts-node start and two compilations of the vendor's contract (about 3 s of CPU); a loaded machine
// stretches that, hence the long guard.
jest.setTimeout(120_000);
const COUNT_LINE = /^contract: (\d+) changes, (\d+) breaking$/;

function edited(contract: ServedContract, wsdl: (t: string) => string, xsd?: [id: string, edit: (t: string) => string]): ServedContract {
  const edit = (before: string, how: (t: string) => string) => {
    const after = how(before);
    if (after === before) throw new Error('the edit matched nothing');
    return after;
  };
  const xsds = new Map(contract.xsds);
  if (xsd) xsds.set(xsd[0], edit(xsds.get(xsd[0])!, xsd[1]));
  return { wsdl: wsdl === same ? contract.wsdl : edit(contract.wsdl, wsdl), xsds };
}
const same = (t: string) => t;

suite('fetch-wsdl against the vendor 2019 contract', () => {
  let project: ProjectCopy;
  let vendor: ServedContract;
  const servers: RunningWcfService[] = [];
  const serve = async (contract: ServedContract) => {
    const s = await startWcfService(contract);
    servers.push(s);
    return s.url;
  };
  let first: CommandResult;

  beforeAll(async () => {
    vendor = readVendorContract();
    project = await copyProject();
    first = await runFetchWsdlCommand(project.dir, [await serve(vendor)]);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await project?.remove();
  });

  test('the refresh lists the files written, then the diff against the wsdl/ it replaced, and exits 0', () => {
    expect({ code: first.code, stderr: first.scriptStderr }).toEqual({ code: 0, stderr: [] });
    const lines = output(first);
    const wrote = lines.findIndex((l) => !l.startsWith('wrote '));
    expect(wrote).toBeGreaterThan(1);
    const diff = lines.slice(wrote, -2);
    const [count, next] = lines.slice(-2);
    expect(next).toBe('next: npm run generate');
    const [, changes, breaking] = COUNT_LINE.exec(count)!.map(Number);
    expect(diff).toHaveLength(changes);
    expect(diff.filter((l) => l.endsWith(' [breaking]'))).toHaveLength(breaking);
    for (const line of diff) expect(line).toMatch(/^([+-] (operation|member|enum) |~ (operation|member) )\S+/);
    // The vendor's service has the project operations ours lacks, and lacks our rate-limiter test operation.
    expect(diff).toEqual(expect.arrayContaining(['+ operation PwsGetProject', '+ operation PwsSaveProject', '- operation PwsTestRateLimiter [breaking]']));
  });

  test('--check against the same contract, and against it with renumbered schemas, prints 0 changes, exits 0 and writes nothing', async () => {
    const before = await digestTree(project.wsdlDir);
    const order = [...vendor.xsds.keys()].reverse();
    const [as, renumberedRun] = await Promise.all([
      runFetchWsdlCommand(project.dir, [await serve(vendor), '--check']),
      runFetchWsdlCommand(project.dir, [await serve(renumbered(vendor, order)), '--check']),
    ]);
    for (const r of [as, renumberedRun]) expect({ code: r.code, out: output(r), stderr: r.scriptStderr }).toEqual({ code: 0, out: ['contract: 0 changes, 0 breaking'], stderr: [] });
    expect(await digestTree(project.wsdlDir)).toEqual(before);
  });

  test('--check exits 4 for an operation removed, and 3 for an enum value added (notable), there as a CHANGELOG section', async () => {
    const removed = edited(vendor, (t) => t.replace(/<wsdl:operation name="PwsAddProjectNote">[\s\S]*?<\/wsdl:operation>/g, ''));
    const enumAdded = edited(vendor, same, ['xsd4', (t) => t.replace('<xs:enumeration value="FatalError" />', '<xs:enumeration value="FatalError" /><xs:enumeration value="Debug" />')]);
    const [removedUrl, enumUrl] = [await serve(removed), await serve(enumAdded)];
    const runs = await Promise.all([
      runFetchWsdlCommand(project.dir, [removedUrl, '--check']),
      runFetchWsdlCommand(project.dir, [enumUrl, '--check', '--format', 'markdown']),
    ]);
    expect(runs.map((r) => ({ code: r.code, out: output(r), stderr: r.scriptStderr }))).toEqual([
      { code: 4, out: ['- operation PwsAddProjectNote [breaking]', 'contract: 1 changes, 1 breaking'], stderr: [] },
      {
        code: 3,
        out: [`### Service contract: wsdl/ -> ${enumUrl}`, '#### Notable (compatible, but exhaustive switches over results miss the new values)', '- `+ enum MessageType.Debug`', 'contract: 1 changes, 0 breaking'],
        stderr: [],
      },
    ]);
  });
});
