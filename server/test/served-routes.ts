import type { FastifyInstance } from 'fastify';

export interface ServedRoute {
  method: string;
  /** The route's pattern, as registered (`/sessions/:sysId/token`). */
  path: string;
}

/**
 * Every route an app serves, HEAD and the catch-all left out. Fastify lists its routes only as the text of
 * `printRoutes()` (an `onRoute` hook would have to be added before the backend registers them, inside
 * buildServer), so this reads that tree: one node a line, its methods in parentheses, each node's path
 * continuing its parent's.
 */
export function servedRoutes(app: FastifyInstance): ServedRoute[] {
  const routes: ServedRoute[] = [];
  const parents: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const node = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!node) continue;
    const depth = node[1]!.length / 4;
    const path = (parents[depth - 1] ?? '') + node[2]!;
    parents.length = depth;
    parents[depth] = path;
    for (const method of node[3]?.split(', ') ?? []) {
      if (method !== 'HEAD' && path !== '*') routes.push({ method, path });
    }
  }
  return routes;
}

/** Whether `url` (a path, with or without a query) is one `route.path` matches. */
export function matchesRoute(route: ServedRoute, url: string): boolean {
  const pattern = route.path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern}$`).test(url.split('?')[0]!);
}
