/**
 * Reads operations and the service from the loaded WSDL documents. Every name comes from the WSDL: the one
 * portType that the service's SOAP 1.1 ports are bound to is "the contract", whatever it and the service are called.
 * Document/literal wrapped only (what WCF emits): each message has one part naming a global element.
 */
import type { LoadedContract, WsdlDoc } from './load';
import type { OperationModel, ServiceModel } from './model-shape';
import { childrenOf, clark, resolveQName, SOAP11_NS, WSDL_NS, type XmlNode } from './xml';
import type { SchemaModel } from './xsd';

export interface WsdlModel {
  /** Sorted by operation name. */
  readonly operations: ReadonlyMap<string, OperationModel>;
  readonly service: ServiceModel;
  /** Every wsdl:port name of every service, as node-soap exposes them (wsdl-tsclient mangles underscores). */
  readonly allPortNames: readonly string[];
}

interface Named {
  readonly node: XmlNode;
  readonly doc: WsdlDoc;
}

const WSAW_ACTION = 'http://www.w3.org/2006/05/addressing/wsdl|Action';

export function compileWsdl(contract: LoadedContract, schema: SchemaModel): WsdlModel {
  const index = { message: new Map<string, Named>(), portType: new Map<string, Named>(), binding: new Map<string, Named>() };
  const services: Named[] = [];
  for (const doc of contract.wsdls) {
    for (const node of childrenOf(doc.node, WSDL_NS, 'message', 'portType', 'binding', 'service')) {
      if (node.local === 'service') services.push({ node, doc });
      else index[node.local as keyof typeof index].set(clark(doc.targetNamespace, node.attrs.name ?? ''), { node, doc });
    }
  }
  const lookup = (kind: keyof typeof index, from: Named | { node: XmlNode; doc: WsdlDoc }, attr: string): Named => {
    const value = from.node.attrs[attr] ?? '';
    const found = index[kind].get(resolveQName(from.node, value, from.doc.file));
    if (!found) throw new Error(`${from.doc.file}: wsdl:${kind} '${value}' is not declared`);
    return found;
  };
  const isSoap11 = (b: Named) => childrenOf(b.node, SOAP11_NS, 'binding').length > 0;

  // The ports we can talk to: SOAP 1.1 (BasicHttpBinding), each with its binding.
  const ports = services.flatMap((s) =>
    childrenOf(s.node, WSDL_NS, 'port').map((node) => ({ service: s, node, binding: lookup('binding', { node, doc: s.doc }, 'binding') })),
  ).filter((p) => isSoap11(p.binding));
  const portTypes = [...new Set(ports.map((p) => lookup('portType', p.binding, 'type')))];
  if (portTypes.length !== 1) throw new Error(`expected the SOAP 1.1 ports to implement one portType, found ${portTypes.length}`);
  const [portType] = portTypes;
  const ours = ports.filter((p) => lookup('portType', p.binding, 'type') === portType && p.service === ports[0].service);
  const binding = ours[0].binding;

  const elementOf = (ref: XmlNode, what: string): string => {
    const message = lookup('message', { node: ref, doc: portType.doc }, 'message');
    const parts = childrenOf(message.node, WSDL_NS, 'part');
    if (parts.length !== 1 || !parts[0].attrs.element) {
      throw new Error(`${message.doc.file}: ${what} message ${message.node.attrs.name} must have exactly one part with element= (document/literal wrapped)`);
    }
    const key = resolveQName(parts[0], parts[0].attrs.element, message.doc.file);
    if (!schema.elements.has(key)) throw new Error(`${message.doc.file}: element ${key} is not declared in any loaded schema`);
    return key;
  };
  /** The wrapper's single complex member, when it has exactly one: the DTO WCF wraps (serviceRequest, <Op>Result). */
  const unwrap = (elementKey: string): { member?: string; type: string } => {
    const wrapperType = schema.elements.get(elementKey)!.type;
    const t = schema.types.get(wrapperType);
    if (t?.kind === 'complex' && t.members.length === 1 && schema.types.get(t.members[0].type)?.kind === 'complex') {
      return { member: t.members[0].name, type: t.members[0].type };
    }
    return { type: wrapperType };
  };

  const operations = new Map<string, OperationModel>();
  for (const op of childrenOf(portType.node, WSDL_NS, 'operation')) {
    const name = op.attrs.name ?? '';
    const [input] = childrenOf(op, WSDL_NS, 'input');
    const [output] = childrenOf(op, WSDL_NS, 'output');
    if (!input || !output) throw new Error(`${portType.doc.file}: operation ${name} is not request-response`);
    if (operations.has(name)) throw new Error(`${portType.doc.file}: operation ${name} is overloaded`);
    const bound = childrenOf(binding.node, WSDL_NS, 'operation').find((b) => b.attrs.name === name);
    const soapAction = (bound && childrenOf(bound, SOAP11_NS, 'operation')[0]?.attrs.soapAction) ?? input.attrs[WSAW_ACTION] ?? '';
    const inKey = elementOf(input, 'input');
    const outKey = elementOf(output, 'output');
    const request = unwrap(inKey);
    const result = unwrap(outKey);
    const faults = [...new Set(childrenOf(op, WSDL_NS, 'fault').map((f) => elementOf(f, 'fault')))].sort();
    operations.set(name, {
      name, soapAction, input: inKey, output: outKey,
      ...(request.member !== undefined && { requestMember: request.member }), requestType: request.type,
      ...(result.member !== undefined && { resultMember: result.member }), resultType: result.type,
      faults,
    });
  }

  const address = (port: XmlNode) => childrenOf(port, SOAP11_NS, 'address')[0]?.attrs.location ?? '';
  return {
    operations: new Map([...operations.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    service: {
      name: ours[0].service.node.attrs.name ?? '',
      targetNamespace: portType.doc.targetNamespace,
      ports: ours.map((p) => ({ name: p.node.attrs.name ?? '', address: address(p.node) })),
    },
    allPortNames: services.flatMap((s) => childrenOf(s.node, WSDL_NS, 'port').map((p) => p.attrs.name ?? '')),
  };
}
