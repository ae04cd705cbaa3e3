// @ts-check
/**
 * A rollup plugin that minifies the CSS of Lit's css`…` templates in our sources (terser leaves template
 * text alone): comments go, whitespace collapses, the spaces next to `{ } ; , :` and around the `>` and `~`
 * combinators (outside strings) are dropped, and so is the 0 of a number below 1 (`0.5rem` → `.5rem`). Only
 * templates without `${…}` are touched; their meaning is unchanged. (`+` keeps its spaces: calc() needs them.)
 */
export const minifyCssTemplates = () => ({
  name: 'minify-css-templates',
  /** @param {string} code @param {string} id */
  transform(code, id) {
    if (!/[\\/]src[\\/].*\.ts$/.test(id) || !/\bcss\s*`/.test(code)) return null;
    const out = code.replace(
      /\bcss\s*`([^`$]*)`/g,
      (_, /** @type {string} */ text) => `css\`${minifyCss(text)}\``,
    );
    return out === code ? null : { code: out, map: null };
  },
});

/** @param {string} text */
export function minifyCss(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split(/('[^']*'|"[^"]*")/)
    .map((part, i) =>
      i % 2
        ? part
        : part
            .replace(/\s+/g, ' ')
            .replace(/ ?([{};,]) ?/g, '$1')
            .replace(/ ([>~]) /g, '$1')
            .replace(/([\s:,(])0\.(\d)/g, '$1.$2')
            .replace(/: /g, ':'),
    )
    .join('')
    .replace(/;}/g, '}')
    .trim();
}
