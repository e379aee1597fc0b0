/**
 * Serves the contract like WCF does: `?wsdl` (and `?wsdl=wsdl0`), `?xsd=xsdN`, and `?singleWsdl` with every
 * schema inlined. Files are read once; schema locations and the service address point at this instance.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export class Metadata {
  private readonly wsdl: string;
  private readonly xsds = new Map<string, string>();
  private readonly single: string;

  constructor(dir: string, serviceUrl: string) {
    const relocate = (text: string) => text.replace(/schemaLocation="(xsd\d+)\.xsd"/g, (_m, name: string) => `schemaLocation="${serviceUrl}?xsd=${name}"`);
    for (const f of readdirSync(dir).filter((n) => /^xsd\d+\.xsd$/.test(n))) {
      this.xsds.set(f.replace(/\.xsd$/, ''), relocate(readFileSync(join(dir, f), 'utf8')));
    }
    const raw = readFileSync(join(dir, 'PwsProjectorServices.wsdl'), 'utf8').replace(/<soap:address location="[^"]*"/, `<soap:address location="${serviceUrl}"`);
    this.wsdl = relocate(raw);
    const inlined = [...this.xsds.keys()]
      .sort()
      .map((k) => readFileSync(join(dir, `${k}.xsd`), 'utf8'))
      .map((x) => x.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '').replace(/\s+schemaLocation="[^"]*"/g, '').trim())
      .join('\n');
    this.single = raw.replace(/<wsdl:types>[\s\S]*<\/wsdl:types>/, `<wsdl:types>\n${inlined}\n</wsdl:types>`);
  }

  /** The document a GET query asks for, or undefined (then the caller answers 404/400). */
  lookup(search: URLSearchParams): string | undefined {
    if (search.has('singleWsdl')) return this.single;
    if (search.has('wsdl')) return this.wsdl;
    const xsd = search.get('xsd');
    return xsd ? this.xsds.get(xsd) : undefined;
  }
}
