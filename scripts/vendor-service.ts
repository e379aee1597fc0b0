/**
 * The vendor's real contract (../shared/vendor-wsdl/2019-05, never copied into this repository), served the way its
 * WCF endpoint serves it: `<svc>?wsdl` answers the WSDL, `<svc>?xsd=xsdN` each schema, every schemaLocation and the
 * soap:address point back at this loopback server, and an unknown id or the bare `.svc` answers WCF's HTML help page
 * with HTTP 200. Benchmarks and tests use it to run `npm run fetch-wsdl -- <url>` against the vendor's contract.
 *
 * `readVendorContract` maps the saved files to their `?xsd=xsdN` ids by the table in SOURCE.md, so a contract can be
 * changed in memory (a member added, files renumbered) before it is served.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import { withLaterOperations } from './vendor-later-operations';

export { LATER_OPERATIONS, withLaterOperations } from './vendor-later-operations';

export const SERVICE_PATH = '/OpsProjectorWcfSvc/PwsProjectorServices.svc';
const ROOT = path.resolve(__dirname, '..');

/** Where the vendor's 2019 files are: PROJECTOR_VENDOR_WSDL, shared/ beside the checkout (CI), or this workplace's. */
export function vendorWsdlDir(): string | undefined {
  const candidates = [process.env.PROJECTOR_VENDOR_WSDL, path.resolve(ROOT, '..', 'shared', 'vendor-wsdl', '2019-05'), '/work/shared/vendor-wsdl/2019-05'];
  return candidates.find((dir): dir is string => !!dir && existsSync(path.join(dir, 'PwsProjectorServices.wsdl')));
}

/** A contract as its server publishes it: the WSDL text and each schema's text by its id (`xsd0`, `xsd1`, ...). */
export interface ServedContract {
  wsdl: string;
  xsds: Map<string, string>;
}

/** Reads the saved vendor files, keyed by the `?xsd=xsdN` id SOURCE.md gives each of them. */
export function readVendorContract(dir = vendorWsdlDir()): ServedContract {
  if (!dir) throw new Error('the vendor WSDL is not here: set PROJECTOR_VENDOR_WSDL or put shared/ beside the checkout');
  const source = readFileSync(path.join(dir, 'SOURCE.md'), 'utf8');
  const xsds = new Map<string, string>();
  for (const [, file, id] of source.matchAll(/^\| `([^`]+\.xsd)` \| `[^`]*\?xsd=(xsd\d+)` \|/gm)) {
    xsds.set(id, readFileSync(path.join(dir, file), 'utf8'));
  }
  if (xsds.size === 0) throw new Error(`${dir}/SOURCE.md maps no schema to its ?xsd=xsdN id`);
  return { wsdl: readFileSync(path.join(dir, 'PwsProjectorServices.wsdl'), 'utf8'), xsds: new Map([...xsds].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) };
}

/**
 * The same contract with its schemas under other ids (WCF numbers them as it meets them, so two deployments of one
 * contract can differ): `order` lists the old ids in their new order, xsd0 first.
 */
export function renumbered(contract: ServedContract, order: readonly string[]): ServedContract {
  const rename = new Map(order.map((old, i) => [old, `xsd${i}`]));
  const relink = (text: string) => text.replace(/\?xsd=(xsd\d+)"/g, (whole, id: string) => `?xsd=${rename.get(id) ?? id}"`);
  return { wsdl: relink(contract.wsdl), xsds: new Map(order.map((old) => [rename.get(old)!, relink(contract.xsds.get(old) ?? '')])) };
}

/**
 * Writes the contract as local files (`PwsProjectorServices.wsdl`, `xsdN.xsd`, each schemaLocation pointing at its
 * sibling), the layout fetch-wsdl leaves in wsdl/, so that scripts/codegen and xmllint read it without a server.
 * Returns the entry WSDL's path.
 */
export function localize(contract: ServedContract, dir: string): string {
  const relink = (text: string) => text.replace(/schemaLocation="[^"]*\?xsd=(xsd\d+)"/g, (_all, id: string) => `schemaLocation="${id}.xsd"`);
  mkdirSync(dir, { recursive: true });
  for (const [id, text] of contract.xsds) writeFileSync(path.join(dir, `${id}.xsd`), relink(text));
  const entry = path.join(dir, 'PwsProjectorServices.wsdl');
  writeFileSync(entry, relink(contract.wsdl));
  return entry;
}

/** Points every `...svc?xsd=xsdN` location and the soap:address at `svc`. */
function pointAt(text: string, svc: string): string {
  return text
    .replace(/(schemaLocation|location)="[^"]*?\.svc(\?xsd=xsd\d+)?"/g, (_all, attr: string, query: string | undefined) => `${attr}="${svc}${query ?? ''}"`);
}

const helpPage = (svc: string) =>
  `<!DOCTYPE html><html><head><title>PwsProjectorServices Service</title></head><body><div id="content"><p class="heading1">PwsProjectorServices Service</p>` +
  `<p>You have created a service. To test this service, you will need to create a client: <a href="${svc}?wsdl">${svc}?wsdl</a></p></div></body></html>`;

export interface RunningWcfService {
  /** The `.svc` URL, as a user passes it to fetch-wsdl. */
  url: string;
  /** Documents asked for, in order (`wsdl`, `xsd3`, `help`...). */
  requests: string[];
  close(): Promise<void>;
}

export interface WcfServiceOptions {
  /** Holds each ?wsdl answer this long: a WCF service that has just started can take over a minute to answer it. */
  wsdlDelayInMs?: number;
}

/** Serves `contract` on 127.0.0.1 the way WCF serves metadata. */
export async function startWcfService(contract: ServedContract, options: WcfServiceOptions = {}): Promise<RunningWcfService> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let svc = '';
  const server = http.createServer((req, res) => {
    if (options.wsdlDelayInMs && /\?wsdl$/i.test(req.url ?? '')) setTimeout(() => answer(req, res), options.wsdlDelayInMs);
    else answer(req, res);
  });
  const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (res.destroyed) return;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = url.search.slice(1).toLowerCase();
    const xsd = /^xsd=(xsd\d+)$/.exec(query)?.[1];
    let body: string | undefined;
    if (url.pathname === SERVICE_PATH && query === 'wsdl') body = contract.wsdl;
    else if (url.pathname === SERVICE_PATH && xsd) body = contract.xsds.get(xsd);
    requests.push(body === undefined ? 'help' : xsd ?? 'wsdl');
    if (body === undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' }).end(helpPage(svc));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml; charset=UTF-8' }).end(pointAt(body, svc));
  };
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  svc = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SERVICE_PATH}`;
  return {
    url: svc,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

if (require.main === module) {
  // `npx ts-node scripts/vendor-service.ts`: serve the vendor's contract, as the live service has it, until interrupted.
  startWcfService(withLaterOperations(readVendorContract())).then((s) => console.log(`serving the vendor's 2019 contract + the later operations at ${s.url}`), (err: Error) => {
    console.error(err.message);
    process.exit(1);
  });
}
