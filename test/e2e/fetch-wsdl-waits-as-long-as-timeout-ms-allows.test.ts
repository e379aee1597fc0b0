/**
 * `npm run fetch-wsdl -- <url> --timeout-ms <n>`, run as the README writes it: a WCF service that has just started
 * answers its first ?wsdl slowly; each document gets the time given, a document that takes longer is a one-line error
 * (exit 1) that names the option, and nothing is written.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readVendorContract, startWcfService, vendorWsdlDir, type RunningWcfService } from '../../scripts/vendor-service';
import { EXIT, parseArgs } from '../../scripts/fetch-wsdl-command';
import { ROOT, runFetchWsdlCommand } from '../support/wcf-service';

const dir = vendorWsdlDir();
if (!dir && process.env.CI) throw new Error('the vendor WSDL (../shared/vendor-wsdl/2019-05) must be beside the checkout in CI');
if (!dir) console.warn('SKIPPED: the vendor WSDL is not here (set PROJECTOR_VENDOR_WSDL)');
const suite = dir ? describe : describe.skip;

let slow: RunningWcfService;
let out: string;
beforeAll(async () => {
  if (!dir) return;
  slow = await startWcfService(readVendorContract(dir), { wsdlDelayInMs: 1_500 });
  out = await fs.mkdtemp(path.join(os.tmpdir(), 'pws-fetch-timeout-'));
});
afterAll(async () => {
  await slow?.close();
  if (out) await fs.rm(out, { recursive: true, force: true });
});

suite('fetch-wsdl --timeout-ms', () => {
  test('a document slower than the timeout fails the run in one line, naming the option, and writes nothing', async () => {
    const target = path.join(out, 'too-slow');
    const run = await runFetchWsdlCommand(ROOT, [slow.url, '--out', target, '--timeout-ms', '300']);
    expect(run.code).toBe(1);
    expect(run.scriptStderr).toEqual([expect.stringMatching(/^fetch-wsdl failed: .*\?wsdl: cannot fetch \(no answer within 300 ms \(raise it with --timeout-ms\)\)$/)]);
    expect(existsSync(target)).toBe(false);
  }, 60_000);

  test('with time enough, the same slow service is fetched whole', async () => {
    const target = path.join(out, 'patient');
    const run = await runFetchWsdlCommand(ROOT, [slow.url, '--out', target, '--timeout-ms', '20000']);
    expect(run.scriptStderr).toEqual([]);
    expect(run.code).toBe(0);
    expect((await fs.readdir(target)).sort()).toEqual(['PwsProjectorServices.wsdl', ...Array.from({ length: 14 }, (_, i) => `xsd${i}.xsd`)].sort());
  }, 90_000);
});

test('a timeout that is not a positive whole number is a usage error (exit 2)', () => {
  for (const bad of ['soon', '0', '-5', '1.5']) {
    expect(parseArgs(['http://127.0.0.1/x.svc', '--timeout-ms', bad])).toEqual({ error: `--timeout-ms needs a positive whole number of milliseconds, not ${bad}` });
  }
  expect(parseArgs(['http://127.0.0.1/x.svc', '--timeout-ms=90000'])).toMatchObject({ timeoutInMs: 90_000 });
  expect(EXIT.usage).toBe(2);
});
