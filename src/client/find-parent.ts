import type { ParentIdResult, resolveParentId } from './parent-id.js';

/** resolveParentId(), its code loaded on first use (it is needed only once a call rings); never rejects. */
export const findParent = (...args: Parameters<typeof resolveParentId>): Promise<ParentIdResult> =>
  import('./parent-id.js').then(
    ({ resolveParentId }) => resolveParentId(...args),
    (error: unknown) => ({ parentId: null, error: String(error) }),
  );
