import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { VUE_TYPES_FILE, vueTypes } from '../../../scripts/vue-types.js';
import type { CustomElementsManifest } from '../../../types/custom-elements.js';

const manifest = async () =>
  JSON.parse(
    await readFile(new URL('../../../custom-elements.json', import.meta.url), 'utf8'),
  ) as CustomElementsManifest;

describe('notify-phone/vue types (src/vue/props.ts)', () => {
  it('are what the manifest generates (run `npm run analyze` and commit the file when this fails)', async () => {
    assert.equal(await readFile(VUE_TYPES_FILE, 'utf8'), await vueTypes(await manifest()));
  });

  it('have a prop per attribute and a handler per event of the manifest', async () => {
    const text = await vueTypes(await manifest());
    for (const prop of ['callerId', 'available', 'lazyVendor', 'strings'])
      assert.match(text, new RegExp(`\\b${prop}\\?: NotifyPhone\\['${prop}'\\];`));
    assert.match(text, /onNotifyCallStart\?: \(event: NotifyCallStartEvent\) => void;/);
    assert.match(text, /onNotifyAvailableChange\?: \(event: NotifyAvailableChangeEvent\) => void;/);
  });

  it('refuse a manifest event without an event class', async () => {
    const broken = await manifest();
    const element = broken.modules
      .flatMap((module) => module.declarations ?? [])
      .find((declaration) => declaration.tagName === 'notify-phone')!;
    element.events = [{ name: 'notify-online' }];
    await assert.rejects(vueTypes(broken), /event notify-online: no event class/);
  });
});
