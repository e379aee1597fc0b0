/**
 * The reconstructed contract in wsdl/ is real XML Schema (libxml2 compiles every file) and declares what issue 2
 * describes: SOAP 1.1 document/literal binding, seven operations, their SOAPActions and a PwsFault fault on each.
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OPERATION_NAMES, soapActionOf } from '../src/soap/operations';
import { parseXml, type XmlNode } from './support/xml';
import { compileSchema, loadSchemas, validateEnvelope, WSDL_DIR } from './support/xsd';

const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const WSDL_SOAP11 = 'http://schemas.xmlsoap.org/wsdl/soap/';
const XS = 'http://www.w3.org/2001/XMLSchema';
const COMMON = 'http://projectorpsa.com/DataContracts/Shared/Common/';
const VENDOR = path.join(__dirname, 'fixtures', 'vendor');

const children = (n: XmlNode, ns: string, local: string) => n.children.filter((c) => c.ns === ns && c.local === local);
const attr = (n: XmlNode, name: string) => n.attrs[`{}${name}`];
const localPart = (qname: string) => qname.slice(qname.indexOf(':') + 1);

let wsdlText: string;
let defs: XmlNode;

beforeAll(async () => {
  wsdlText = await fs.readFile(path.join(WSDL_DIR, 'PwsProjectorServices.wsdl'), 'utf8');
  defs = parseXml(wsdlText);
});

describe('every file in wsdl/', () => {
  it('is well-formed XML', async () => {
    const names = await fs.readdir(WSDL_DIR);
    expect(names.filter((n) => n.endsWith('.xsd')).sort()).toEqual(['xsd0.xsd', 'xsd1.xsd', 'xsd2.xsd', 'xsd3.xsd', 'xsd4.xsd', 'xsd5.xsd']);
    for (const name of names) expect(() => parseXml(readFileSync(path.join(WSDL_DIR, name), 'utf8'))).not.toThrow();
  });

  it('compiles as XML Schema, including the import schema inside wsdl:types', async () => {
    const schemas = await loadSchemas(WSDL_DIR);
    for (const s of schemas) {
      const result = await compileSchema(s.fileName, String(s.contents), schemas);
      expect({ file: s.fileName, ...result }).toEqual({ file: s.fileName, valid: true, errors: [] });
    }
    const inline = /<xsd:schema[\s\S]*?<\/xsd:schema>/.exec(wsdlText)![0].replace('<xsd:schema', `<xsd:schema xmlns:xsd="${XS}"`);
    expect(await compileSchema('imports.xsd', inline, schemas)).toEqual({ valid: true, errors: [] });
  });

  it('is checked by a compiler that does reject a broken schema', async () => {
    const schemas = await loadSchemas(WSDL_DIR);
    const broken = String(schemas.find((s) => s.fileName === 'xsd5.xsd')!.contents).replace('type="tns:PwsUserRef"', 'type="tns:NoSuchType"');
    expect((await compileSchema('xsd5.xsd', broken, schemas)).valid).toBe(false);
  });

  it('accepts every vendor example envelope (requests, responses and the fault)', async () => {
    const files = (await fs.readdir(VENDOR)).filter((f) => f.endsWith('.xml')).sort();
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const f of files) {
      const result = await validateEnvelope(await fs.readFile(path.join(VENDOR, f), 'utf8'));
      expect({ file: f, ...result }).toEqual({ file: f, valid: true, errors: [] });
    }
  });
});

describe('PwsProjectorServices.wsdl', () => {
  it('has portType IPwsProjectorServices with the seven operations, each with a PwsFault fault', () => {
    const portTypes = children(defs, WSDL, 'portType');
    expect(portTypes.map((p) => attr(p, 'name'))).toEqual(['IPwsProjectorServices']);
    const ops = children(portTypes[0], WSDL, 'operation');
    expect(ops.map((o) => attr(o, 'name')).sort()).toEqual([...OPERATION_NAMES]);
    const messages = new Map(children(defs, WSDL, 'message').map((m) => [attr(m, 'name'), m]));
    for (const op of ops) {
      const faults = children(op, WSDL, 'fault');
      expect(faults.map((f) => attr(f, 'name'))).toEqual(['PwsFaultFault']);
      const message = messages.get(localPart(attr(faults[0], 'message')))!;
      const part = children(message, WSDL, 'part')[0];
      expect(localPart(attr(part, 'element'))).toBe('PwsFault');
      const prefix = attr(part, 'element').split(':')[0];
      expect(wsdlText).toContain(`xmlns:${prefix}="${COMMON}"`);
    }
  });

  it('binds BasicHttpBinding_IPwsProjectorServices as SOAP 1.1 document/literal with the documented SOAPActions', () => {
    const [binding] = children(defs, WSDL, 'binding');
    expect(attr(binding, 'name')).toBe('BasicHttpBinding_IPwsProjectorServices');
    expect(attr(children(binding, WSDL_SOAP11, 'binding')[0], 'transport')).toBe('http://schemas.xmlsoap.org/soap/http');
    const ops = children(binding, WSDL, 'operation');
    expect(ops.map((o) => attr(o, 'name')).sort()).toEqual([...OPERATION_NAMES]);
    for (const op of ops) {
      const soapOp = children(op, WSDL_SOAP11, 'operation')[0];
      expect(attr(soapOp, 'soapAction')).toBe(soapActionOf(attr(op, 'name') as (typeof OPERATION_NAMES)[number]));
      expect(attr(soapOp, 'soapAction')).toBe(`http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/${attr(op, 'name')}`);
      expect(attr(soapOp, 'style')).toBe('document');
      for (const dir of ['input', 'output']) expect(attr(children(children(op, WSDL, dir)[0], WSDL_SOAP11, 'body')[0], 'use')).toBe('literal');
      const fault = children(op, WSDL, 'fault')[0];
      expect(attr(children(fault, WSDL_SOAP11, 'fault')[0], 'use')).toBe('literal');
    }
    const [service] = children(defs, WSDL, 'service');
    const [port] = children(service, WSDL, 'port');
    expect(attr(port, 'name')).toBe('BasicHttpBinding_IPwsProjectorServices');
    expect(attr(children(port, WSDL_SOAP11, 'address')[0], 'location')).toMatch(/\/OpsProjectorWcfSvc\/PwsProjectorServices\.svc$/);
  });
});
