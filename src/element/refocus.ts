/**
 * Focuses what the state is about, the first enabled part found: answer, hang up, resume, else the number
 * field or the dial pad; false when there is none (not rendered yet). For the element's focus(), and to keep
 * keyboard users inside the phone when the focused part disappears with a state change.
 * @internal
 */
export function focusPart(root: ParentNode | undefined, options?: FocusOptions): boolean {
  const order = ['pickup-button', 'hangup-button', 'resume-button', 'number-input', 'dial-key'];
  for (const part of order) {
    const target = root?.querySelector<HTMLElement>(`[part~="${part}"]:not([disabled])`);
    if (target) {
      target.focus(options);
      return true;
    }
  }
  return false;
}
