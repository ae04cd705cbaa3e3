import { isPostgresUrl } from '../server/store/postgres.js';
import { secretsFileBeside } from './dev-secrets.js';
import { startStack, DEMO_NUMBER } from './stack.js';

// `npm start`: the demo with the backend and the emulator on one local HTTPS origin.
const port = Number(process.env.PORT ?? 8443);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a TCP port number, not "${process.env.PORT}"`);
  process.exit(1);
}

const database = process.env.NOTIFY_DB ?? 'notify-demo.db';
// The account and session secret outlive a restart, so open pages stay signed in and come back online.
const secretsFile = isPostgresUrl(database) ? 'notify-demo.secrets.json' : secretsFileBeside(database);
const stack = await startStack({ port, database, secretsFile });
console.log(`notify-phone demo: ${stack.origin}/`);
console.log(
  `  backend ${stack.backendUrl}, Twilio emulator ${stack.origin}/signal, Notify number ${DEMO_NUMBER}`,
);
console.log('  The certificate is generated locally: accept it once in your browser.');
console.log(`  Dev account and session secret: ${secretsFile} (kept across restarts, never commit it)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stack.close().then(() => process.exit(0));
  });
}
