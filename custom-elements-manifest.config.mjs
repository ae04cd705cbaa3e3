// Configuration of `cem analyze` (npm run analyze): documents <notify-phone> from its JSDoc.
export default {
  globs: ['src/element/**/*.ts'],
  exclude: ['src/element/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  dev: false,
  plugins: [
    {
      // Members marked @internal are not public API; unnamed events come from dispatchEvent() calls.
      name: 'drop-internal',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules ?? []) {
          for (const decl of mod.declarations ?? []) {
            // dispatchEvent(new NotifyErrorEvent(…)) is already documented by @fires.
            if (decl.events) decl.events = decl.events.filter((e) => e.name);
            if (decl.members)
              decl.members = decl.members.filter(
                (m) => !/@internal/.test(m.description ?? '') && m.privacy !== 'private',
              );
          }
        }
      },
    },
  ],
};
