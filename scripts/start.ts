import { createLocalCertificate } from '../emulator/cert.js';
import { isPostgresUrl } from '../server/store/postgres.js';
import { secretsFileBeside } from './dev-secrets.js';
import { freePort } from './sip/ports.js';
import { sipStackInstalled, startSipStack, type SipStack } from './sip/sip-stack.js';
import { startStack, DEMO_NUMBER, SIP_NUMBER } from './stack.js';

// `npm start`: the demo with the backend and the emulator on one local HTTPS origin.
const requested = Number(process.env.PORT ?? 8443);
if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
  console.error(`PORT must be a TCP port number, not "${process.env.PORT}"`);
  process.exit(1);
}
// Known before anything listens: the SIP proxy's configuration names the backend's routing URL.
const port = requested || (await freePort());

const database = process.env.NOTIFY_DB ?? 'notify-demo.db';
// The account and session secret outlive a restart, so open pages stay signed in and come back online.
const secretsFile = isPostgresUrl(database) ? 'notify-demo.secrets.json' : secretsFileBeside(database);
const https = await createLocalCertificate();

// The SIP vendor beside Twilio when its stack is installed (`bash scripts/sip/install.sh`), unless
// NOTIFY_SIP=off; without it the demo is the same, with the Twilio number only.
const SIP_PHONES = ['+15551240001', '+15551240002'];
let sip: SipStack | undefined;
if (process.env.NOTIFY_SIP !== 'off' && sipStackInstalled()) {
  sip = await startSipStack({
    phones: SIP_PHONES,
    tls: https,
    allowedOrigins: [`https://127.0.0.1:${port}`, `https://localhost:${port}`],
    routeUrl: `https://127.0.0.1:${port}/api/sip/route`,
  }).catch((error: unknown) => {
    console.warn(`  The SIP stack did not start (${String(error)}); going on with Twilio only.`);
    return undefined;
  });
}
const stack = await startStack({ port, database, secretsFile, https, ...(sip && { sip: sip.account }) });
console.log(`notify-phone demo: ${stack.origin}/`);
console.log(
  `  backend ${stack.backendUrl}, Twilio emulator ${stack.origin}/signal, Notify number ${DEMO_NUMBER}`,
);
if (sip) {
  console.log(
    `  SIP: Notify number ${SIP_NUMBER} through Kamailio at ${sip.account.wsUrl}; virtual SIP phones ${SIP_PHONES.join(', ')}`,
  );
} else {
  console.log('  SIP: not installed (bash scripts/sip/install.sh adds a SIP Notify number)');
}
console.log('  The certificate is generated locally: accept it once in your browser.');
console.log(`  Dev account and session secret: ${secretsFile} (kept across restarts, never commit it)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([stack.close(), sip?.close()]).then(() => process.exit(0));
  });
}
