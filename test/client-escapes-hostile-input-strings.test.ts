/**
 * Hostile strings in user input never change the envelope's structure: CDATA-shaped strings, `]]>`, markup and
 * node-soap's special keys ($xml, attributes, $value) are refused as unknown members, like any name the schema
 * does not have; characters XML 1.0 cannot carry are refused before anything is sent.
 */
import { ProjectorClient } from '../src/client';
import { InvalidInputError } from '../src/errors';
import { startCapture } from './support/loopback';
import type { Capture } from './support/loopback';
import { bodyPayload, find } from './support/xml';
import { validateEnvelope } from './support/xsd';

const COMMON = 'http://projectorpsa.com/DataContracts/Shared/Common/';

describe('hostile input strings', () => {
  let capture: Capture;
  let client: ProjectorClient;
  beforeAll(async () => {
    // The answer does not matter here; only what the client sent does.
    capture = await startCapture(() => ({ status: 500, body: '<html>no</html>', headers: { 'content-type': 'text/html' } }));
    client = new ProjectorClient({ endpoint: capture.url, sessionTicket: 'AaoSuE89vJzjNFnsXZNioA==', rateLimit: { maxTransportAttempts: 1 } });
  });
  afterAll(async () => {
    await client.close();
    await capture.close();
  });

  const sentEntityCode = async (entityCode: string, extra: Record<string, unknown> = {}) => {
    const before = capture.requests.length;
    await client.checkLocks({ locks: [{ entityIdentity: { entityCode, lockType: 'P', ...extra } as never }] }).catch(() => undefined);
    const body = capture.requests[before].body;
    await expect(validateEnvelope(body)).resolves.toMatchObject({ valid: true });
    return { body, text: find(bodyPayload(body), 'EntityCode', COMMON)!.text };
  };

  test.each([
    ['a CDATA wrapper', '<![CDATA[<x>a</x>]]>'],
    ['a CDATA end marker', 'ab]]>cd'],
    ['markup', '</EntityCode><x/>'],
    ['quotes and ampersands', `"a" & 'b'`],
    ['spaces at both ends', '  P-001  '],
  ])('%s arrives as exactly the same text, in a schema-valid envelope', async (_name, value) => {
    const { text } = await sentEntityCode(value);
    expect(text).toBe(value);
  });

  test.each([
    ['$xml', { $xml: '<evil/>' }],
    ['attributes', { attributes: { x: '1' } }],
    ['$value', { $value: 'v' }],
  ])("node-soap's special key %s is refused as an unknown member and nothing is sent", async (_key, extra) => {
    const before = capture.requests.length;
    const error = await client.checkLocks({ locks: [{ entityIdentity: { entityCode: 'P-1', lockType: 'P', ...extra } as never }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(/is not a member of PwsProjectorLockEntity/);
    expect(capture.requests.length).toBe(before);
  });

  test.each([
    ['a control character', 'a\u0001b'],
    ['a lone high surrogate', 'a\uD800b'],
    ['a lone low surrogate', 'a\uDC00b'],
  ])('%s is refused with InvalidInputError and nothing is sent', async (_name, value) => {
    const before = capture.requests.length;
    await expect(client.checkLocks({ locks: [{ entityIdentity: { entityCode: value, lockType: 'P' } }] })).rejects.toBeInstanceOf(InvalidInputError);
    expect(capture.requests.length).toBe(before);
  });
});
