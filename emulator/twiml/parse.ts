/**
 * A deliberately small XML reader for TwiML: elements, attributes, text, comments, CDATA, the XML declaration
 * and the five predefined plus numeric entities. TwiML needs nothing more, and a strict reader lets the
 * emulator fail on malformed documents as Twilio does (error 12100) instead of guessing.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export class TwimlParseError extends Error {
  readonly code = 12100; // Twilio's "Document parse failure"
}

const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const value = ENTITIES[ref];
    if (value === undefined) throw new TwimlParseError(`unknown entity ${whole}`);
    return value;
  });
}

export function parseXml(source: string): XmlElement {
  let pos = 0;
  const fail = (why: string): never => {
    throw new TwimlParseError(`${why} at offset ${pos}`);
  };
  const skipMisc = () => {
    for (;;) {
      const rest = source.slice(pos);
      const ws = /^\s+/.exec(rest);
      if (ws) pos += ws[0].length;
      else if (source.startsWith('<!--', pos)) pos = endOf('-->');
      else if (source.startsWith('<?', pos)) pos = endOf('?>');
      else return;
    }
  };
  const endOf = (terminator: string): number => {
    const end = source.indexOf(terminator, pos);
    if (end < 0) fail(`missing ${terminator}`);
    return end + terminator.length;
  };
  const readName = (): string => {
    const match = NAME.exec(source.slice(pos));
    if (!match) return fail('expected a name');
    pos += match[0].length;
    return match[0];
  };
  const readElement = (): XmlElement => {
    if (source[pos] !== '<') fail('expected <');
    pos++;
    const element: XmlElement = { name: readName(), attributes: {}, children: [] };
    for (;;) {
      const ws = /^\s*/.exec(source.slice(pos))![0];
      pos += ws.length;
      if (source.startsWith('/>', pos)) {
        pos += 2;
        return element;
      }
      if (source[pos] === '>') {
        pos++;
        break;
      }
      if (!ws) fail('expected whitespace before an attribute');
      const name = readName();
      const value = /^\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(source.slice(pos));
      if (!value) fail(`bad value for attribute ${name}`);
      pos += value![0].length;
      element.attributes[name] = decodeEntities(value![2] ?? value![3] ?? '');
    }
    for (;;) {
      if (pos >= source.length) fail(`unclosed <${element.name}>`);
      if (source.startsWith('</', pos)) {
        pos += 2;
        if (readName() !== element.name) fail(`mismatched </…> for <${element.name}>`);
        const close = /^\s*>/.exec(source.slice(pos));
        if (!close) fail('expected >');
        pos += close![0].length;
        return element;
      }
      if (source.startsWith('<!--', pos)) pos = endOf('-->');
      else if (source.startsWith('<![CDATA[', pos)) {
        const start = pos + 9;
        pos = endOf(']]>');
        element.children.push(source.slice(start, pos - 3));
      } else if (source[pos] === '<') element.children.push(readElement());
      else {
        const end = source.indexOf('<', pos);
        const text = source.slice(pos, end < 0 ? source.length : end);
        pos += text.length;
        element.children.push(decodeEntities(text));
      }
    }
  };

  skipMisc();
  const root = readElement();
  skipMisc();
  if (pos !== source.length) fail('content after the root element');
  return root;
}

export const childElements = (element: XmlElement): XmlElement[] =>
  element.children.filter((child): child is XmlElement => typeof child !== 'string');

export const textOf = (element: XmlElement): string =>
  element.children
    .filter((child): child is string => typeof child === 'string')
    .join('')
    .trim();
