/**
 * fetchWsdl() against the WCF-style server (test/support/wcf-service.ts), for what the command tests do not vary:
 * which content types count as XML, the binding in either WCF document, and ?singleWsdl (with the extra
 * operations) still split into one file per namespace.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fetchWsdl } from '../scripts/fetch-wsdl';
import { EXTRA_OPERATIONS, EXTRA_TYPES, WIDGETS_NS, sampleBody, startWcfService } from './support/wcf-service';
import { validateEnvelope } from './support/xsd';

let tmp: string;
let n = 0;
const out = () => path.join(tmp, `out-${n++}`);
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pws-fetch-types-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

describe('accepts every XML content type', () => {
  it.each(['text/xml; charset=UTF-8', 'application/xml', 'application/wsdl+xml', 'application/xsd+xml', 'application/soap+xml; charset=utf-8', 'TEXT/XML'])('%s', async (contentType) => {
    const service = await startWcfService({ contentType });
    try {
      const written = await fetchWsdl({ url: service.url, outDir: out(), quiet: true });
      expect(written).toEqual(['PwsProjectorServices.wsdl', 'wsdl0.wsdl', ...service.schemas.map((s) => `${s.id}.xsd`)]);
    } finally {
      await service.close();
    }
  });
});

describe('refuses any other content type, naming the URL, and writes nothing', () => {
  it.each([
    ['text/html; charset=UTF-8', /answered an HTML page \(text\/html\), not XML/],
    ['application/xhtml+xml', /answered an HTML page \(application\/xhtml\+xml\), not XML/],
    ['text/plain', /answered text\/plain, expected XML/],
    ['application/json', /answered application\/json, expected XML/],
    ['application/octet-stream', /answered application\/octet-stream, expected XML/],
  ])('%s', async (contentType, reason) => {
    const service = await startWcfService({ contentType });
    const dir = out();
    try {
      const error = await fetchWsdl({ url: service.url, outDir: dir, quiet: true }).then(() => undefined, (e: Error) => e);
      expect(error?.message).toMatch(new RegExp(`^${service.url.replace(/[.?]/g, '\\$&')}\\?wsdl: `));
      expect(error?.message).toMatch(reason);
      await expect(fs.access(dir)).rejects.toThrow();
      expect((await fs.readdir(tmp)).filter((f) => f.includes('staging'))).toEqual([]);
    } finally {
      await service.close();
    }
  });
});

it('reads the binding from wsdl0 as well as from the service document', async () => {
  const service = await startWcfService({ bindingIn: 'contract', extraOperations: true });
  try {
    const dir = out();
    await fetchWsdl({ url: service.url, outDir: dir, quiet: true });
    const [main, contract] = await Promise.all(['PwsProjectorServices.wsdl', 'wsdl0.wsdl'].map((f) => fs.readFile(path.join(dir, f), 'utf8')));
    expect(main).not.toContain('<wsdl:binding');
    expect(main).toContain('binding="i0:BasicHttpBinding_IPwsProjectorServices"');
    for (const op of EXTRA_OPERATIONS) expect(contract).toContain(`soapAction="${op.soapAction}"`);
  } finally {
    await service.close();
  }
});

it('splits ?singleWsdl with the extra operations into one schema per namespace that validates their samples', async () => {
  const service = await startWcfService({ extraOperations: true });
  try {
    const dir = out();
    const written = await fetchWsdl({ url: `${service.url}?singleWsdl`, outDir: dir, quiet: true });
    expect(written).toEqual(['PwsProjectorServices.wsdl', ...service.schemas.map((s) => `${s.id}.xsd`)]);
    expect(service.requests).toEqual(['/OpsProjectorWcfSvc/PwsProjectorServices.svc?singleWsdl']);
    const texts = await Promise.all(written.map((f) => fs.readFile(path.join(dir, f), 'utf8')));
    const widgets = texts.find((t) => t.includes(`targetNamespace="${WIDGETS_NS}"`))!;
    for (const t of EXTRA_TYPES.filter((x) => x.namespace === WIDGETS_NS)) expect(widgets).toContain(`name="${t.name}"`);
    for (const op of EXTRA_OPERATIONS) {
      for (const direction of ['request', 'response'] as const) {
        const envelope = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${sampleBody(op, direction)}</s:Body></s:Envelope>`;
        expect({ op: op.name, direction, ...(await validateEnvelope(envelope, { wsdlDir: dir })) }).toEqual({ op: op.name, direction, valid: true, errors: [] });
      }
    }
  } finally {
    await service.close();
  }
});
