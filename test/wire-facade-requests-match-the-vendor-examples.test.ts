/**
 * The facade's own envelopes (not the generated client's): what ProjectorClient puts on the wire for the seed
 * operations equals the vendor examples by namespace URI, local name and order, with the documented headers, and
 * validates against the XSDs. The capture server answers with the vendor's response examples.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ProjectorClient } from '../src/client';
import { bodyPayload, shape } from './support/xml';
import { startCapture } from './support/loopback';
import type { Capture } from './support/loopback';
import { validateEnvelope } from './support/xsd';

const vendor = (name: string) => readFileSync(path.join(__dirname, 'fixtures', 'vendor', name), 'utf8');
const ACTION = 'http://projectorpsa.com/PwsProjectorServices/IPwsProjectorServices/';

/** Echoes the request's RequestId into the vendor response, as the server does. */
function answer(template: string, requestBody: string): string {
  const id = /RequestId[^>]*>(\d+)</.exec(requestBody)?.[1] ?? '0';
  return template.replace(/(<ResponseId[^>]*>)\d+(<\/ResponseId>)/, `$1${id}$2`);
}

describe('ProjectorClient envelopes', () => {
  let capture: Capture;
  let client: ProjectorClient;
  const ticket = 'AaoSuE89vJzjNFnsXZNioA==';

  beforeAll(async () => {
    capture = await startCapture((req) => {
      const op = String(req.headers.soapaction).replace(/"/g, '').slice(ACTION.length);
      const template = op === 'PwsReleaseProjectorLocks' ? vendor('release-response.xml') : vendor('unauthenticate-response.xml');
      return { body: answer(template, req.body) };
    });
    client = new ProjectorClient({ endpoint: capture.url, sessionTicket: ticket });
  });
  afterAll(async () => {
    await client.close();
    await capture.close();
  });

  test('PwsReleaseProjectorLocks: same elements, namespaces and order as the vendor example; valid against the XSDs', async () => {
    const result = await client.releaseLocks(3673);
    expect(result).toMatchObject({ status: 'Ok', alreadyReleased: false, serverTimestampUtc: '2018-10-30T21:08:14.9814113Z' });
    const sent = capture.requests[0];
    expect(shape(bodyPayload(sent.body), { withText: true, ignoreTextOf: ['RequestId'] })).toEqual(
      shape(bodyPayload(vendor('release-request.xml')), { withText: true, ignoreTextOf: ['RequestId'] }),
    );
    expect(sent.headers.soapaction).toBe(`"${ACTION}PwsReleaseProjectorLocks"`);
    expect(sent.headers['content-type']).toBe('text/xml; charset=utf-8');
    await expect(validateEnvelope(sent.body)).resolves.toMatchObject({ valid: true });
  });

  test('PwsUnauthenticate: same elements, namespaces and order as the vendor example; valid against the XSDs', async () => {
    const result = await client.unauthenticate();
    expect(result).toMatchObject({ status: 'Ok', alreadyLoggedOut: false });
    const sent = capture.requests[capture.requests.length - 1];
    const ignore = { withText: true, ignoreTextOf: ['RequestId', 'SessionTicket'] };
    expect(shape(bodyPayload(sent.body), ignore)).toEqual(shape(bodyPayload(vendor('unauthenticate-request.xml')), ignore));
    expect(sent.body).toContain(`>${ticket}</`);
    expect(sent.headers.soapaction).toBe(`"${ACTION}PwsUnauthenticate"`);
    await expect(validateEnvelope(sent.body)).resolves.toMatchObject({ valid: true });
  });
});
