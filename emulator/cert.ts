import { generate } from 'selfsigned';

export interface LocalCertificate {
  key: string;
  cert: string;
}

const DAY_MS = 24 * 3600_000;

/**
 * A throwaway self-signed certificate for 127.0.0.1 and localhost (SAN IP and DNS), valid 30 days. The SDK
 * needs wss:// and the page needs a secure context for getUserMedia, so even local runs are HTTPS. Generated
 * at every start, never committed.
 */
export async function createLocalCertificate(): Promise<LocalCertificate> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 30 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
