/**
 * The only module that imports generated/'s node-soap client (octokit-style fence). It builds node-soap's client from
 * the WSDL and XSDs embedded in generated/contract.ts (never fetched, never read from disk at run time, so bundles
 * work), hands node-soap our hardened transport instead of axios (which runs the XML guard on every body before
 * node-soap's parser sees it), and returns an operation's raw response wrapper. Operations are addressed by name only.
 */
import * as path from 'node:path';
import { createClientAsync, WSDL_ENTRY, WSDL_FILES, type GeneratedSoapClient } from '../../generated';
import { ProjectorError } from '../errors';
import type { HttpTransport } from './http-transport';
import type { OperationName } from './operations';
import type { Wire } from './codec';

export interface SoapCallOptions {
  endpoint: string;
  signal?: AbortSignal;
  /** Deadline of this HTTP attempt; the transport's default otherwise. */
  timeoutInMs?: number;
}

/** node-soap reads a document given as XML text when it starts with an XML declaration. */
const asDocument = (text: string): string => (/^<\?xml[^>]*?>/i.test(text) ? text : `<?xml version="1.0" encoding="utf-8"?>${text}`);

let debugSilenced = false;
/** node-soap logs envelopes (passwords, tickets) under DEBUG=node-soap or DEBUG=*: exclude its namespace for good. */
function silenceNodeSoapDebug(): void {
  if (debugSilenced) return;
  debugSilenced = true;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- node-soap's own copy of debug, resolved from its folder
    const debugModule = require(require.resolve('debug', { paths: [path.dirname(require.resolve('soap'))] })) as {
      disable(): string;
      enable(ns: string): void;
    };
    const current = debugModule.disable();
    if (current) debugModule.enable(`${current},-node-soap,-node-soap:*`);
  } catch {
    // debug not resolvable (e.g. inside a bundle): node-soap then cannot log either.
  }
}

export class SoapAdapter {
  private constructor(private readonly client: GeneratedSoapClient) {}

  static async create(transport: HttpTransport): Promise<SoapAdapter> {
    silenceNodeSoapDebug();
    const entry = WSDL_FILES[WSDL_ENTRY];
    if (!entry) throw new ProjectorError(`The embedded contract lacks ${WSDL_ENTRY}: run npm run generate`, { code: 'Configuration', requestSent: false });
    try {
      const client = await createClientAsync(asDocument(entry), {
        // Our transport instead of axios; it runs the XML guard before node-soap parses anything.
        httpClient: transport.soapHttpClient as never,
        // Leaf values stay text: the codec converts them by the schema model (node-soap's parseInt/Date lose digits).
        customDeserializer: { long: (text: string) => text, decimal: (text: string) => text, dateTime: (text: string) => text },
        preserveWhitespace: true,
        // node-soap's WSDL cache shares the first client's parse options with every later client: never share.
        disableCache: true,
        wsdl_options: {
          // Imports resolve to the embedded files by their relative location.
          overrideImportLocation: (_resolved: string, _parent: string, location: string) => {
            const text = WSDL_FILES[location] ?? WSDL_FILES[location.replace(/^\.\//, '')];
            if (text === undefined) throw new Error(`the contract imports ${location}, which is not embedded`);
            return asDocument(text);
          },
        },
      });
      return new SoapAdapter(client);
    } catch (err) {
      throw new ProjectorError(`The embedded WSDL could not be loaded (${(err as Error).message})`, { code: 'Configuration', requestSent: false, cause: err });
    }
  }

  /** Sends one operation and resolves with node-soap's response wrapper, or rejects with what node-soap/transport threw. */
  async call(operation: OperationName, request: Wire, options: SoapCallOptions): Promise<unknown> {
    try {
      const method = (this.client as unknown as Record<string, unknown>)[`${operation}Async`] as ((args: unknown, opts: unknown) => Promise<[unknown]>) | undefined;
      if (typeof method !== 'function') throw new ProjectorError(`${operation} is not an operation of the embedded WSDL`, { code: 'InvalidInput', operation, requestSent: false });
      // node-soap hands these options to the transport's request() unchanged (see HttpTransport.soapHttpClient).
      const [response] = await method.call(this.client, request, { endpoint: options.endpoint, signal: options.signal, timeoutInMs: options.timeoutInMs });
      return response;
    } finally {
      // node-soap keeps the last envelope (password, ticket) on the client: never leave it there.
      const c = this.client as unknown as Record<string, unknown>;
      c.lastRequest = c.lastMessage = c.lastResponse = c.lastRequestHeaders = c.lastResponseHeaders = undefined;
    }
  }
}
