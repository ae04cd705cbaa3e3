// @ts-check
/**
 * A rollup plugin that minifies the CSS of Lit's css`…` templates in our sources (terser leaves template
 * text alone): comments go, whitespace collapses, and the spaces next to `{ } ; , :` (outside strings)
 * are dropped. Only templates without `${…}` are touched; their meaning is unchanged.
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
            .replace(/: /g, ':'),
    )
    .join('')
    .replace(/;}/g, '}')
    .trim();
}
