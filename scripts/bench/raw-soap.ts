/**
 * The benchmarks' baseline: PWS by hand, with undici posting a string envelope and fast-xml-parser reading the
 * answer. No schema, no session handling, no retries: the floor a SOAP client could reach on this transport.
 */
import { XMLParser } from 'fast-xml-parser';
import { Pool } from 'undici';

const ACTION = 'http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/';
const ENVELOPE_HEAD =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pws="http://projectorpsa.com/PwsProjectorServices/"' +
  ' xmlns:req="http://projectorpsa.com/DataContracts/Requests/"><soapenv:Header/><soapenv:Body>';
const ENVELOPE_TAIL = '</soapenv:Body></soapenv:Envelope>';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface RawAnswer {
  httpStatus: number;
  /** The operation's Result element (or the Fault), namespace prefixes removed. */
  body: Record<string, unknown>;
}

export class RawSoap {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false });

  constructor(url: string) {
    const u = new URL(url);
    this.pool = new Pool(u.origin, { connections: 8, pipelining: 1 });
    this.path = u.pathname;
  }

  async call(operation: string, members: [string, string | number][]): Promise<RawAnswer> {
    const inner = members.map(([k, v]) => `<req:${k}>${escape(String(v))}</req:${k}>`).join('');
    const envelope = `${ENVELOPE_HEAD}<pws:${operation}><pws:serviceRequest>${inner}</pws:serviceRequest></pws:${operation}>${ENVELOPE_TAIL}`;
    const res = await this.pool.request({
      path: this.path,
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ACTION}${operation}"` },
      body: envelope,
    });
    const xml = await res.body.text();
    const parsed = this.parser.parse(xml) as { Envelope: { Body: Record<string, Record<string, unknown>> } };
    const body = parsed.Envelope.Body;
    return { httpStatus: res.statusCode, body: (body.Fault as Record<string, unknown>) ?? (body[`${operation}Response`]?.[`${operation}Result`] as Record<string, unknown>) ?? {} };
  }

  async login(accountCode: string, userName: string, password: string): Promise<string> {
    const r = await this.call('PwsAuthenticate', [['RequestId', 1], ['AccountCode', accountCode], ['Password', password], ['UserName', userName]]);
    const ticket = r.body.SessionTicket;
    if (typeof ticket !== 'string') throw new Error('raw login failed');
    return ticket;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The 10016 rejection (a PwsFault) as the raw client sees it. */
export const isRateLimitFault = (a: RawAnswer): boolean => a.httpStatus === 500 && JSON.stringify(a.body).includes('10016');
