/**
 * Types of `notify-phone/custom-elements.json`, the Custom Elements Manifest of <notify-phone> (schema:
 * https://github.com/webcomponents/custom-elements-manifest). The parts tools read are typed; the rest is
 * left open.
 */
export interface ManifestMember {
  kind: 'field' | 'method';
  name: string;
  description?: string;
  privacy?: 'public' | 'private' | 'protected';
  static?: boolean;
  readonly?: boolean;
  type?: { text: string };
  [key: string]: unknown;
}

export interface ManifestDeclaration {
  kind: 'class' | 'function' | 'variable' | 'mixin';
  name: string;
  description?: string;
  customElement?: boolean;
  tagName?: string;
  members?: ManifestMember[];
  attributes?: Array<{ name: string; fieldName?: string; description?: string; type?: { text: string } }>;
  events?: Array<{ name: string; description?: string; type?: { text: string } }>;
  slots?: Array<{ name: string; description?: string }>;
  cssParts?: Array<{ name: string; description?: string }>;
  cssProperties?: Array<{ name: string; description?: string; default?: string }>;
  [key: string]: unknown;
}

export interface CustomElementsManifest {
  schemaVersion: string;
  readme?: string;
  modules: Array<{
    kind: 'javascript-module';
    path: string;
    declarations?: ManifestDeclaration[];
    exports?: Array<{
      kind: 'js' | 'custom-element-definition';
      name: string;
      declaration: { name: string; module?: string };
    }>;
  }>;
}

declare const manifest: CustomElementsManifest;
export default manifest;
