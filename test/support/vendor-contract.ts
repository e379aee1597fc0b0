/**
 * The vendor's 2019 contract (../shared/vendor-wsdl/2019-05, never copied into the repository), compiled with the
 * project's own codegen. Its schemaLocations point at the live server (`...svc?xsd=xsdN`), and loadContract follows
 * local files only, so the texts go into a temp folder first with each location renamed to `xsdN.xsd`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadContract } from '../../scripts/codegen/load';
import { compileWsdl, type WsdlModel } from '../../scripts/codegen/wsdl';
import { compileSchemas, type SchemaModel } from '../../scripts/codegen/xsd';
import { localize, readVendorContract, vendorWsdlDir } from '../../scripts/vendor-service';

export interface CompiledContract {
  schema: SchemaModel;
  wsdl: WsdlModel;
}

export function compileContract(entry: string): CompiledContract {
  const loaded = loadContract(entry);
  const schema = compileSchemas(loaded);
  return { schema, wsdl: compileWsdl(loaded, schema) };
}

export function compileVendorContract(): CompiledContract {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pws-vendor-'));
  try {
    return compileContract(localize(readVendorContract(), dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `describe`, or a loud skip when the vendor's files are not here; under CI=true their absence fails the run. */
export function describeWithVendorContract(name: string, body: () => void): void {
  if (vendorWsdlDir()) {
    describe(name, body);
    return;
  }
  if (process.env.CI) throw new Error(`"${name}" needs the vendor WSDL (shared/vendor-wsdl/2019-05 beside the checkout), and CI=true`);
  console.warn(`\n*** SKIPPED "${name}": no vendor WSDL. Set PROJECTOR_VENDOR_WSDL or put shared/ beside the checkout; CI does. ***\n`);
  describe.skip(name, body);
}
