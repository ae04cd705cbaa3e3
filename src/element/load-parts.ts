import { adoptStyles, type ReactiveElement } from 'lit';

/** The UI imported on first use: the agent list, the forward dialog, the second line, the desk (decision 20). */
export type LazyParts = typeof import('./parts/lazy-parts.js');

/**
 * One import for all the elements of the page; forgotten after a failure, so that the next use imports again
 * (Chromium fetches again after a network failure; a module whose server answered with an error status it
 * keeps until the page reloads).
 */
let lazyParts: Promise<LazyParts> | undefined;

/**
 * Imports the lazy parts and adds their styles to the element's, in its shadow root; undefined when the file
 * failed to load (a warning; the next update that wants them imports again).
 * @internal
 */
export async function loadParts(element: ReactiveElement): Promise<LazyParts | undefined> {
  lazyParts ??= import('./parts/lazy-parts.js');
  try {
    const parts = await lazyParts;
    // adoptStyles sets the shadow root's whole list (twice is harmless).
    const styles = (element.constructor as typeof ReactiveElement).elementStyles;
    adoptStyles(element.renderRoot as ShadowRoot, [...styles, parts.lazyStyles]);
    return parts;
  } catch (error) {
    // No error code fits a missing file of our own; the next click or toggle tries again.
    lazyParts = undefined;
    console.warn('[notify-phone] lazy-parts.js failed to load:', error);
    return undefined;
  }
}
