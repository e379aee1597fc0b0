/**
 * One operation on the wire: the envelope written from the model (envelope.ts), one POST through our transport
 * (deadlines, caps, no redirects), the answer read back into a tree for the Decoder. No WSDL is parsed at run time:
 * whatever the size of the contract, a call costs what its own envelope costs.
 */
import type { HttpTransport } from './http-transport';
import { readResponse, writeRequest } from './envelope';
import { soapActionOf, type OperationName } from './operations';
import type { Wire } from './codec';
import type { XNode } from './xml-tree';

export interface SoapCallOptions {
  endpoint: string;
  signal?: AbortSignal;
  /** Deadline of this HTTP attempt; the transport's default otherwise. */
  timeoutInMs?: number;
}

export class SoapAdapter {
  constructor(private readonly transport: HttpTransport) {}

  /** Sends one operation; resolves with its output wrapper element, or rejects (a SoapFault, a ProjectorError). */
  async call(operation: OperationName, request: Wire, options: SoapCallOptions): Promise<XNode> {
    const envelope = writeRequest(operation, request);
    const headers = { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${soapActionOf(operation)}"` };
    const answer = await this.transport.post(options.endpoint, envelope, headers, options.signal, options.timeoutInMs);
    return readResponse(operation, answer.body, answer.status);
  }
}
