import type { Context, Next } from 'koa';

/**
 * Fault injection for the unit tests (a dev-server middleware, web-test-runner.config.mjs): while the test
 * page's cookie `unavailable` names a path, that path answers 503, as a server that lost a file would. The
 * page sets and clears the cookie itself (element-client-load-failure.test.ts).
 */
export async function unavailableFiles(context: Context, next: Next): Promise<void> {
  const path = /(?:^|;\s*)unavailable=([^;]+)/.exec(context.get('cookie'))?.[1];
  if (path && decodeURIComponent(path) === context.path) {
    context.status = 503;
    context.body = 'unavailable (a fault the test asked for)';
    return;
  }
  await next();
}
