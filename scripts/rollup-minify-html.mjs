// @ts-check
/**
 * A rollup plugin that collapses the whitespace of Lit's html`…` templates in our sources (terser leaves
 * template text alone, and the indentation of our templates was about 2 KB of the first load): every run of
 * whitespace in the template's text becomes one space, which HTML renders the same (no <pre> or
 * <textarea> in our templates). The `${…}` expressions are kept as they are, nested templates included.
 */
export const minifyHtmlTemplates = () => ({
  name: 'minify-html-templates',
  /** @param {string} code @param {string} id */
  transform(code, id) {
    if (!/[\\/]src[\\/].*\.ts$/.test(id) || !/\bhtml\s*`/.test(code)) return null;
    const out = minifyHtmlIn(code);
    return out === code ? null : { code: out, map: null };
  },
});

/**
 * Rewrites every html`…` template of a module's code.
 * @param {string} code
 */
export function minifyHtmlIn(code) {
  let out = '';
  let i = 0;
  const start = /\bhtml\s*`/g;
  for (let match = start.exec(code); match; match = start.exec(code)) {
    const open = match.index + match[0].length;
    out += code.slice(i, open);
    const end = templateEnd(code, open);
    out += collapseTemplate(code.slice(open, end));
    i = end;
    start.lastIndex = end;
  }
  return out + code.slice(i);
}

/**
 * The index of the backtick that closes the template whose text starts at `from`.
 * @param {string} code @param {number} from
 */
function templateEnd(code, from) {
  for (let i = from; i < code.length; i++) {
    if (code[i] === '\\') i++;
    else if (code[i] === '`') return i;
    else if (code[i] === '$' && code[i + 1] === '{') i = expressionEnd(code, i + 2);
  }
  throw new Error('minify-html-templates: unterminated template');
}

/**
 * The index of the `}` that closes a `${` expression starting at `from` (strings and templates skipped).
 * @param {string} code @param {number} from
 */
function expressionEnd(code, from) {
  let depth = 0;
  for (let i = from; i < code.length; i++) {
    const c = code[i];
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    } else if (c === "'" || c === '"') {
      for (i++; code[i] !== c; i++) if (code[i] === '\\') i++;
    } else if (c === '`') i = templateEnd(code, i + 1);
  }
  throw new Error('minify-html-templates: unterminated expression');
}

/**
 * Collapses whitespace in the text parts of one template (between its expressions); nested html`…`
 * templates inside expressions are rewritten too.
 * @param {string} body
 */
function collapseTemplate(body) {
  let out = '';
  let text = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') {
      text += body.slice(i, i + 2);
      i++;
    } else if (body[i] === '$' && body[i + 1] === '{') {
      const end = expressionEnd(body, i + 2);
      out += text.replace(/\s+/g, ' ') + '${' + minifyHtmlIn(body.slice(i + 2, end)) + '}';
      text = '';
      i = end;
    } else text += body[i];
  }
  return out + text.replace(/\s+/g, ' ');
}
