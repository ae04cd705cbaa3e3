import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { request } from 'node:https';
import { describe, it } from 'node:test';
import { createLocalCertificate } from '../cert.js';

describe('createLocalCertificate', () => {
  it('makes a self-signed certificate for 127.0.0.1 and localhost that TLS clients accept when trusted', async () => {
    const { key, cert } = await createLocalCertificate();
    const x509 = new X509Certificate(cert);
    assert.match(x509.subjectAltName ?? '', /DNS:localhost/);
    assert.match(x509.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.equal(x509.verify(x509.publicKey), true, 'signed with its own key');
    assert.ok(x509.checkPrivateKey((await import('node:crypto')).createPrivateKey(key)));
    assert.ok(new Date(x509.validTo).getTime() > Date.now() + 7 * 24 * 3600_000);

    const server = createServer({ key, cert }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (const host of ['127.0.0.1', 'localhost']) {
        const body = await new Promise<string>((resolve, reject) => {
          request({ host, port, ca: cert, servername: host === 'localhost' ? host : undefined }, (res) => {
            let text = '';
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolve(text));
          })
            .on('error', reject)
            .end();
        });
        assert.equal(body, 'ok', `verified TLS to ${host}`);
      }
    } finally {
      server.close();
    }
  });
});
