import { startStack, DEMO_NUMBER } from './stack.js';

// `npm start`: the demo with the backend and the emulator on one local HTTPS origin.
const port = Number(process.env.PORT ?? 8443);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a TCP port number, not "${process.env.PORT}"`);
  process.exit(1);
}

const stack = await startStack({ port, database: process.env.NOTIFY_DB ?? 'notify-demo.db' });
console.log(`notify-phone demo: ${stack.origin}/`);
console.log(
  `  backend ${stack.backendUrl}, Twilio emulator ${stack.origin}/signal, Notify number ${DEMO_NUMBER}`,
);
console.log('  The certificate is generated locally: accept it once in your browser.');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stack.close().then(() => process.exit(0));
  });
}
