import { buildServer } from './app.js';
import { ConfigError, loadConfig } from './config.js';

/**
 * Standalone backend: `node --import tsx server/main.ts`, configured by the environment (see config.ts).
 * SIGTERM/SIGINT shut down gracefully: readiness turns 503, presence streams end, the server stops
 * accepting connections and waits for in-flight requests, then the database closes. A second signal, or
 * NOTIFY_SHUTDOWN_TIMEOUT, exits at once.
 */
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
  if (!config.options.devSignIn && !config.options.hostIdentity) {
    app.log.warn(
      'No sign-in is configured (NOTIFY_IDENTITY_* or NOTIFY_DEV_SIGN_IN): user routes answer 401.',
    );
  }
  const address = await app.listen({ port: config.port, host: config.host });
  console.log(`notify backend listening on ${address}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`${signal} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: shutting down`);
    const timer = setTimeout(() => {
      console.error(`Shutdown took over ${config.shutdownTimeoutMs} ms: exiting.`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
