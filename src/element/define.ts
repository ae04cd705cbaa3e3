import { NotifyPhone } from './notify-phone.js';

if (!customElements.get('notify-phone')) customElements.define('notify-phone', NotifyPhone);

declare global {
  interface HTMLElementTagNameMap {
    'notify-phone': NotifyPhone;
  }
}

export { NotifyPhone };
