/**
 * The only module that imports generated/ (octokit-style fence): it owns node-soap. It loads the WSDL bundled with
 * the package (never fetched at run time), hands node-soap our hardened transport instead of axios (which runs
 * the XML guard on every body before node-soap's parser sees it), and returns the operation's raw result object.
 * Types come from the generated client through operation names only, never through wsdl-tsclient's numbered
 * definition names, so a regenerated WSDL with more operations still compiles.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createClientAsync } from '../../generated/pwsprojectorservices';
import type { PwsProjectorServicesClient } from '../../generated/pwsprojectorservices';
import { ResponseFormatError } from '../errors';
import type { HttpTransport } from './http-transport';
import type { OperationName } from './operations';

/** The request argument node-soap expects for an operation, as the generated client types it. */
export type SoapRequest<Op extends OperationName> = Parameters<PwsProjectorServicesClient[`${Op}Async`]>[0];

export interface SoapCallOptions {
  endpoint: string;
  signal?: AbortSignal;
}

function findWsdl(): string {
  // src/soap -> ../../wsdl when run from sources, dist/src/soap -> ../../../wsdl when built.
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'wsdl', 'PwsProjectorServices.wsdl');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('wsdl/PwsProjectorServices.wsdl is missing from the package');
}

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
    // debug not resolvable: node-soap then cannot log either.
  }
}

export class SoapAdapter {
  private constructor(private readonly client: PwsProjectorServicesClient) {}

  static async create(transport: HttpTransport): Promise<SoapAdapter> {
    silenceNodeSoapDebug();
    const client = await createClientAsync(findWsdl(), {
      // Our transport instead of axios; it runs the XML guard before node-soap parses anything.
      httpClient: transport.soapHttpClient as never,
      // Keep Int64 and timestamps exactly as sent (node-soap's defaults use parseInt and Date, losing digits).
      customDeserializer: { long: (text: string) => text, dateTime: (text: string) => text },
      preserveWhitespace: true,
      // node-soap's WSDL cache shares the first client's parse options with every later client: never share.
      disableCache: true,
    });
    return new SoapAdapter(client);
  }

  /** Sends one operation and resolves with its `<Op>Result` object, or rejects with what node-soap/transport threw. */
  async call<Op extends OperationName>(operation: Op, request: SoapRequest<Op>, options: SoapCallOptions): Promise<Record<string, unknown>> {
    try {
      const method = this.client[`${operation}Async`] as unknown as (args: unknown, opts: unknown) => Promise<[Record<string, unknown>]>;
      // node-soap hands these options to the transport's request() unchanged (see HttpTransport.soapHttpClient).
      const [response] = await method.call(this.client, request, { endpoint: options.endpoint, signal: options.signal });
      const result = response?.[`${operation}Result`];
      if (!result || typeof result !== 'object') {
        throw new ResponseFormatError(`${operation}: the response has no ${operation}Result element`, { code: 'ResponseFormat', operation });
      }
      return result as Record<string, unknown>;
    } finally {
      // node-soap keeps the last envelope (password, ticket) on the client: never leave it there.
      const c = this.client as unknown as Record<string, unknown>;
      c.lastRequest = c.lastMessage = c.lastResponse = c.lastRequestHeaders = c.lastResponseHeaders = undefined;
    }
  }
}
