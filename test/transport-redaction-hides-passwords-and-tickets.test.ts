import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ProjectorError } from '../src/errors';
import { HttpTransport } from '../src/soap/http-transport';
import { redactEnvelope, redactSecrets } from '../src/soap/redact';
import { startServer } from './support/transport-servers';

const vendor = (file: string) => readFileSync(join(__dirname, 'fixtures', 'vendor', file), 'utf8');

describe('redaction', () => {
  it('removes the password from the vendor authenticate request, keeping everything else', () => {
    const xml = vendor('authenticate-request.xml');
    const out = redactEnvelope(xml);
    expect(out).not.toContain('example-password');
    expect(out).toContain('<req:Password>[REDACTED]</req:Password>');
    expect(out).toContain('<req:UserName>jdoe@acme.com</req:UserName>');
    expect(out.replace('[REDACTED]', 'example-password')).toBe(xml);
  });

  it('removes session tickets from requests and responses, with any prefix or none', () => {
    const response = redactEnvelope(vendor('authenticate-response.xml'));
    expect(response).not.toContain('AAAAAAAAAAAAAAAAAAAAAA==');
    expect(response).toContain('<a:SessionTicket>[REDACTED]</a:SessionTicket>');
    const release = vendor('release-request.xml');
    const ticket = /SessionTicket>([^<]+)</.exec(release)![1];
    expect(redactEnvelope(release)).not.toContain(ticket);
    expect(redactEnvelope('<SessionTicket xmlns="urn:x">abc</SessionTicket>')).toBe('<SessionTicket xmlns="urn:x">[REDACTED]</SessionTicket>');
  });

  it('redacts CDATA-wrapped, markup-laden and unterminated secrets, and leaves empty elements alone', () => {
    expect(redactEnvelope('<p:Password><![CDATA[s3cr<et]]></p:Password><x/>')).toBe('<p:Password>[REDACTED]</p:Password><x/>');
    expect(redactEnvelope('<a><Password>half-sent sec')).toBe('<a><Password>[REDACTED]');
    expect(redactEnvelope('<a><Password')).toBe('<a><Password[REDACTED]');
    expect(redactEnvelope('<Password/><PasswordHint>h</PasswordHint>')).toBe('<Password/><PasswordHint>h</PasswordHint>');
    expect(redactEnvelope('</req:Password><req:UserName>u</req:UserName>')).toBe('</req:Password><req:UserName>u</req:UserName>');
  });

  it('replaces every secret and its XML-escaped forms in free text', () => {
    const secret = `p&ss<w>"rd'`;
    const text = `raw ${secret} text p&amp;ss&lt;w&gt;"rd' attr p&amp;ss&lt;w&gt;&quot;rd&apos; num p&amp;ss&lt;w&gt;&#34;rd&#39;`;
    const out = redactSecrets(text, [secret, '']);
    expect(out).toBe('raw [REDACTED] text [REDACTED] attr [REDACTED] num [REDACTED]');
    expect(redactSecrets('ticket AB+/== and AB', ['AB', 'AB+/=='])).toBe('ticket [REDACTED] and [REDACTED]');
  });

  it('keeps the password out of a failed post: message, util.inspect and JSON of the error', async () => {
    const password = 'example-password';
    const server = await startServer((_req, res) => res.socket?.resetAndDestroy());
    const transport = new HttpTransport();
    try {
      const err = await transport.post(server.url, vendor('authenticate-request.xml'), {}).then(
        () => undefined,
        (e: unknown) => e as ProjectorError,
      );
      expect(err).toBeInstanceOf(ProjectorError);
      expect(server.requests[0].body).toContain(password); // it did travel, so a leak would be possible
      for (const view of [err!.message, inspect(err, { depth: 10, showHidden: true }), JSON.stringify(err), String(err!.stack)]) {
        expect(view).not.toContain(password);
      }
    } finally {
      transport.close();
      await server.close();
    }
  });
});
