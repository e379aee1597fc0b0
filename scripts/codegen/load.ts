/**
 * Reads the service contract reachable from the entry WSDL: wsdl:import (WCF's real layout puts the service in a
 * tempuri.org WSDL that imports the contract's WSDL), inline schemas in wsdl:types, and xs:import / xs:include by
 * schemaLocation. An xs:import without schemaLocation names a namespace that some loaded schema must declare
 * (WCF's split ?singleWsdl layout); an import of the XML Schema namespace itself is built in.
 *
 * Only local files next to the entry are followed: fetch-wsdl has already downloaded and renamed everything, and
 * a generator that fetched URLs would make the build depend on the network.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { childrenOf, parseXml, WSDL_NS, XS_NS, type XmlNode } from './xml';

export interface SchemaDoc {
  readonly file: string;
  readonly node: XmlNode;
  readonly targetNamespace: string;
}

export interface WsdlDoc {
  readonly file: string;
  readonly node: XmlNode;
  readonly targetNamespace: string;
}

export interface LoadedContract {
  /** The entry's file name, e.g. PwsProjectorServices.wsdl. */
  readonly entry: string;
  /** Exact text of every file reached, keyed by its path relative to the entry's folder (posix separators). */
  readonly files: ReadonlyMap<string, string>;
  /** In discovery order, entry first. */
  readonly wsdls: readonly WsdlDoc[];
  readonly schemas: readonly SchemaDoc[];
}

export function loadContract(entryFile: string): LoadedContract {
  const dir = path.dirname(path.resolve(entryFile));
  const entry = path.basename(entryFile);
  const files = new Map<string, string>();
  const roots = new Map<string, XmlNode>();
  const wsdls: WsdlDoc[] = [];
  const schemas: SchemaDoc[] = [];
  const seen = new Set<string>();
  const locationless: { ns: string; file: string }[] = [];

  const open = (rel: string): XmlNode => {
    let root = roots.get(rel);
    if (!root) {
      const text = readFileSync(path.join(dir, ...rel.split('/')), 'utf8');
      files.set(rel, text);
      root = parseXml(text, rel);
      roots.set(rel, root);
    }
    return root;
  };

  const local = (from: string, location: string): string => {
    const rel = path.posix.normalize(path.posix.join(path.posix.dirname(from), location));
    if (/^[a-z][a-z0-9+.-]*:/i.test(location) || location.includes('?') || rel.startsWith('../') || path.posix.isAbsolute(rel)) {
      throw new Error(`${from}: '${location}' is not a file next to the WSDL (run fetch-wsdl to download and localize it)`);
    }
    return rel;
  };

  const visitSchema = (file: string, node: XmlNode, chameleonNs?: string): void => {
    const targetNamespace = node.attrs.targetNamespace ?? chameleonNs ?? '';
    schemas.push({ file, node, targetNamespace });
    for (const ref of childrenOf(node, XS_NS, 'import', 'include', 'redefine')) {
      const location = ref.attrs.schemaLocation;
      if (ref.local === 'import') {
        const ns = ref.attrs.namespace ?? '';
        if (ns === XS_NS) continue;
        if (location) visitFile(local(file, location));
        else locationless.push({ ns, file });
      } else if (location) {
        // An included schema without a targetNamespace takes the includer's ("chameleon" include).
        visitFile(local(file, location), targetNamespace);
      } else {
        throw new Error(`${file}: xs:${ref.local} without schemaLocation`);
      }
    }
  };

  function visitFile(rel: string, chameleonNs?: string): void {
    const key = `${rel}\n${chameleonNs ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    const root = open(rel);
    if (root.ns === XS_NS && root.local === 'schema') return visitSchema(rel, root, chameleonNs);
    if (root.ns !== WSDL_NS || root.local !== 'definitions') throw new Error(`${rel}: neither a WSDL 1.1 nor an XML Schema document`);
    wsdls.push({ file: rel, node: root, targetNamespace: root.attrs.targetNamespace ?? '' });
    for (const imp of childrenOf(root, WSDL_NS, 'import')) {
      if (!imp.attrs.location) throw new Error(`${rel}: wsdl:import of '${imp.attrs.namespace ?? ''}' has no location`);
      visitFile(local(rel, imp.attrs.location));
    }
    for (const types of childrenOf(root, WSDL_NS, 'types')) {
      for (const schema of childrenOf(types, XS_NS, 'schema')) visitSchema(rel, schema);
    }
  }

  visitFile(entry);
  for (const { ns, file } of locationless) {
    if (!schemas.some((s) => s.targetNamespace === ns)) {
      throw new Error(`${file}: xs:import of '${ns}' has no schemaLocation and no loaded schema declares that namespace`);
    }
  }
  const sorted = new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { entry, files: sorted, wsdls, schemas };
}
