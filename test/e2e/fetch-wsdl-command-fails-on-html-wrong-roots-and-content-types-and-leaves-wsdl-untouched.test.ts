/**
 * Every way a WCF service can hand fetch-wsdl something that is not the document it asked for, through the real
 * command (`npm run fetch-wsdl -- <url>` in a temp copy of the repository): the command exits 1 with ONE line on
 * stderr that names the URL at fault, and wsdl/ stays byte-for-byte what it was (nothing staged is left either).
 * Usage errors exit 2 with the usage text.
 */
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { copyProject, runFetchWsdlCommand, startWcfService, type ProjectCopy, type WcfServiceOptions } from '../support/wcf-service';
import { digestTree } from '../support/digest-tree';

// Each case starts npm and ts-node in a child process: seconds apiece, more on a loaded machine.
jest.setTimeout(120_000);

let project: ProjectCopy;
let before: Record<string, string>;
let listing: string[];

beforeAll(async () => {
  project = await copyProject();
  before = await digestTree(project.wsdlDir);
  listing = (await fs.readdir(project.dir)).sort();
});
afterAll(() => project.remove());

async function expectUntouched(): Promise<void> {
  expect(await digestTree(project.wsdlDir)).toEqual(before);
  expect((await fs.readdir(project.dir)).sort()).toEqual(listing);
}

/** The script's own stderr is one line, `fetch-wsdl failed: <url>: <reason>`. */
function expectOneLineNaming(result: { code: number; scriptStderr: string[] }, url: string, reason: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.scriptStderr).toHaveLength(1);
  const [line] = result.scriptStderr;
  expect(line.startsWith(`fetch-wsdl failed: ${url}: `)).toBe(true);
  expect(line).toMatch(reason);
}

type Case = [title: string, options: WcfServiceOptions, arg: (svc: string) => string, culprit: (svc: string) => string, reason: RegExp];

const cases: Case[] = [
  ['HTML (the help page, text/html) for ?wsdl', { misbehave: { wsdl: 'html' } }, (s) => s, (s) => `${s}?wsdl`, /HTML page \(text\/html\)/],
  ['HTML for ?singleWsdl', { misbehave: { singleWsdl: 'html' } }, (s) => `${s}?singleWsdl`, (s) => `${s}?singleWsdl`, /HTML page \(text\/html\)/],
  ['the help page labelled text/xml for ?wsdl=wsdl0', { misbehave: { wsdl0: 'html-as-xml' } }, (s) => s, (s) => `${s}?wsdl=wsdl0`, /HTML page, not a WSDL/],
  ['HTML for an ?xsd=xsdN import', { misbehave: { xsd3: 'html' } }, (s) => s, (s) => `${s}?xsd=xsd3`, /HTML page \(text\/html\)/],
  ['an xs:schema where the WSDL belongs (wrong root)', { misbehave: { wsdl: 'wrong-root' } }, (s) => s, (s) => `${s}?wsdl`, /expected a WSDL \(wsdl:definitions\), got root element <\{http:\/\/www\.w3\.org\/2001\/XMLSchema\}schema>/],
  ['a wsdl:definitions where a schema belongs (wrong root)', { misbehave: { xsd5: 'wrong-root' } }, (s) => s, (s) => `${s}?xsd=xsd5`, /expected an XML Schema \(xs:schema\), got root element <\{http:\/\/schemas\.xmlsoap\.org\/wsdl\/\}definitions>/],
  ['a wrong content type (text/plain) for a schema', { misbehave: { xsd2: 'wrong-content-type' } }, (s) => s, (s) => `${s}?xsd=xsd2`, /answered text\/plain, expected XML/],
  ['a wrong content type for ?singleWsdl', { misbehave: { singleWsdl: 'wrong-content-type' } }, (s) => `${s}?singleWsdl`, (s) => `${s}?singleWsdl`, /answered text\/plain, expected XML/],
];

describe('exits 1 with one line naming the URL, and wsdl/ is unchanged, when the service answers', () => {
  it.each(cases)('%s', async (_title, options, arg, culprit, reason) => {
    const service = await startWcfService(options);
    try {
      const result = await runFetchWsdlCommand(project.dir, [arg(service.url)]);
      expectOneLineNaming(result, culprit(service.url), reason);
      await expectUntouched();
    } finally {
      await service.close();
    }
  });

  it('nothing at all (an unreachable host)', async () => {
    // A port that was just free: connecting to it is refused.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const url = `http://127.0.0.1:${port}/OpsProjectorWcfSvc/PwsProjectorServices.svc`;
    const result = await runFetchWsdlCommand(project.dir, [url]);
    expectOneLineNaming(result, `${url}?wsdl`, /cannot fetch \(.*ECONNREFUSED/);
    await expectUntouched();
  });
});

describe('exits 2 with the usage text, and wsdl/ is unchanged, when called', () => {
  it.each([
    ['without an argument', []],
    ['with --out but no folder', ['http://127.0.0.1:9/x.svc', '--out']],
    ['with an unknown option', ['--verbose', 'http://127.0.0.1:9/x.svc']],
    ['with two URLs', ['http://127.0.0.1:9/a.svc', 'http://127.0.0.1:9/b.svc']],
  ])('%s', async (_title, args) => {
    const result = await runFetchWsdlCommand(project.dir, args as string[]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: npm run fetch-wsdl -- <service URL> [--out <dir>]');
    await expectUntouched();
  });
});

it('still writes the output folder given with --out, and only that', async () => {
  const service = await startWcfService();
  try {
    const result = await runFetchWsdlCommand(project.dir, ['--out', 'elsewhere', service.url]);
    expect({ code: result.code, stderr: result.scriptStderr }).toEqual({ code: 0, stderr: [] });
    expect((await fs.readdir(path.join(project.dir, 'elsewhere'))).sort()).toContain('wsdl0.wsdl');
    await fs.rm(path.join(project.dir, 'elsewhere'), { recursive: true, force: true });
    await expectUntouched();
  } finally {
    await service.close();
  }
});
