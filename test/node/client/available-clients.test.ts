import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listAvailableClients } from '../../../src/client/list-clients.js';
import type { AvailableClientsPage } from '../../../src/client/backend.js';

const client = (n: number) => ({ sys_id: `u${n}`, name: `User ${n}` });

describe('listAvailableClients', () => {
  it('follows next to the last page', async () => {
    const cursors: (string | null | undefined)[] = [];
    const pages: Record<string, AvailableClientsPage> = {
      first: { clients: [client(1), client(2)], next: 'p2' },
      p2: { clients: [client(3)], next: null },
    };
    const list = await listAvailableClients(async (cursor) => {
      cursors.push(cursor);
      return pages[cursor ?? 'first'];
    }, new AbortController().signal);
    assert.deepEqual(
      list.map((c) => c.sys_id),
      ['u1', 'u2', 'u3'],
    );
    assert.deepEqual(cursors, [undefined, 'p2']);
  });

  it('takes a whole list answered as an array', async () => {
    const list = await listAvailableClients(async () => [client(1)], new AbortController().signal);
    assert.deepEqual(list, [client(1)]);
  });

  it('reads at most 20 pages of an endless list', async () => {
    let reads = 0;
    const list = await listAvailableClients(async () => {
      reads += 1;
      return { clients: [client(reads)], next: 'more' };
    }, new AbortController().signal);
    assert.equal(reads, 20);
    assert.equal(list.length, 20);
  });

  it('stops between pages once aborted and rejects with the reason', async () => {
    const abort = new AbortController();
    let reads = 0;
    const listing = listAvailableClients(async () => {
      reads += 1;
      abort.abort(new Error('destroyed'));
      return { clients: [client(reads)], next: 'more' };
    }, abort.signal);
    await assert.rejects(listing, /destroyed/);
    assert.equal(reads, 1);
  });
});
