/**
 * `notify-phone/vue`: <notify-phone> typed for Vue 3 templates, and the compiler option that leaves it to
 * the browser. Importing this entry (even `import type`) adds `notify-phone` to Vue's `GlobalComponents`,
 * so vue-tsc and Volar check its props and `@notify-…` handlers; the types are generated from
 * custom-elements.json (src/vue/props.ts). It does not register the element: import `notify-phone` too.
 */
import type { NotifyPhoneComponent } from './props.js';

export type { NotifyPhoneComponent, NotifyPhoneProps } from './props.js';

/**
 * For Vue's `compilerOptions.isCustomElement` (the in-browser compiler's `app.config.compilerOptions`, or
 * the `template.compilerOptions` of @vitejs/plugin-vue): Vue then renders <notify-phone> as the element
 * and sets its known properties as properties.
 */
export const isCustomElement = (tag: string): boolean => tag === 'notify-phone';

declare module 'vue' {
  interface GlobalComponents {
    'notify-phone': NotifyPhoneComponent;
  }
}
