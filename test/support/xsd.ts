/**
 * Real XSD validation for the wire-format tests (libxml2 compiled to wasm, via xmllint-wasm): an envelope is
 * checked against test/fixtures/soap-envelope.xsd, whose Body content is strict, plus the service XSDs in wsdl/.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';

const ROOT = path.resolve(__dirname, '..', '..');
export const WSDL_DIR = path.join(ROOT, 'wsdl');
const ENVELOPE_XSD = path.join(ROOT, 'test', 'fixtures', 'soap-envelope.xsd');
// The envelope schema imports "xsd0.xsd" relatively, so it must sit beside the service XSDs in wasm's file system.
const ENVELOPE_NAME = 'soap-envelope.xsd';

export interface ValidationResult {
  valid: boolean;
  errors: string[];
}

async function loadSchemas(wsdlDir: string): Promise<XMLFileInfo[]> {
  const names = (await fs.readdir(wsdlDir)).filter((n) => n.endsWith('.xsd')).sort();
  return Promise.all(names.map(async (fileName) => ({ fileName, contents: await fs.readFile(path.join(wsdlDir, fileName), 'utf8') })));
}

const cache = new Map<string, Promise<XMLFileInfo[]>>();

/** Validates a whole SOAP 1.1 envelope (request, response or fault) against the service XSDs. */
export async function validateEnvelope(xml: string, options: { wsdlDir?: string } = {}): Promise<ValidationResult> {
  const wsdlDir = options.wsdlDir ?? WSDL_DIR;
  if (!cache.has(wsdlDir)) cache.set(wsdlDir, loadSchemas(wsdlDir));
  const preload = await cache.get(wsdlDir)!;
  const schema = { fileName: ENVELOPE_NAME, contents: await fs.readFile(ENVELOPE_XSD, 'utf8') };
  const result = await validateXML({ xml: { fileName: 'envelope.xml', contents: xml }, schema, preload });
  return { valid: result.valid, errors: result.errors.map((e) => e.message) };
}

/**
 * Validates several envelopes in one xmllint run (the schemas are compiled once, which is most of the cost): one
 * result per envelope, in order.
 */
export async function validateEnvelopes(xmls: readonly string[], options: { wsdlDir?: string } = {}): Promise<ValidationResult[]> {
  const wsdlDir = options.wsdlDir ?? WSDL_DIR;
  if (!cache.has(wsdlDir)) cache.set(wsdlDir, loadSchemas(wsdlDir));
  const preload = await cache.get(wsdlDir)!;
  const schema = { fileName: ENVELOPE_NAME, contents: await fs.readFile(ENVELOPE_XSD, 'utf8') };
  const files = xmls.map((contents, i) => ({ fileName: `envelope-${i}.xml`, contents }));
  const result = await validateXML({ xml: files, schema, preload });
  return files.map(({ fileName }) => {
    const errors = result.errors.filter((e) => e.loc?.fileName === fileName).map((e) => e.message);
    return { valid: errors.length === 0, errors };
  });
}

/**
 * Compiles one schema file (with its siblings available for imports) and reports whether libxml2 accepted it as
 * XML Schema. The instance document is a dummy; only compile errors count here.
 */
export async function compileSchema(fileName: string, contents: string, siblings: XMLFileInfo[]): Promise<ValidationResult> {
  try {
    const result = await validateXML({
      xml: { fileName: 'probe.xml', contents: '<probe xmlns="urn:probe"/>' },
      schema: { fileName, contents },
      preload: siblings.filter((s) => s.fileName !== fileName),
    });
    const compileErrors = result.errors
      .map((e) => e.message)
      .filter((m) => !/No matching global declaration available for the validation root/.test(m));
    return { valid: compileErrors.length === 0, errors: compileErrors };
  } catch (err) {
    // xmllint-wasm rejects (rather than resolving invalid) when the schema itself does not compile.
    return { valid: false, errors: [err instanceof Error ? err.message : String(err)] };
  }
}

export { loadSchemas };
