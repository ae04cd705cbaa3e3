import { buildServer } from './app.js';
import { ConfigError, loadConfig } from './config.js';

/** Standalone backend: `node --import tsx server/main.ts`, configured by the environment (see config.ts). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await buildServer(config.options);
  const address = await app.listen({ port: config.port, host: config.host });
  console.log(`notify backend listening on ${address}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void app.close().then(() => process.exit(0));
    });
  }
}

await main();
