import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';

/**
 * rtpengine's ng control protocol (`<cookie> <bencoded dict>` over UDP), for what the test stack reads from
 * the media relay: whether it answers, and the packets it relayed on a call.
 */

/** A bencoded value: what the ng protocol carries (byte strings are read as UTF-8 text). */
export type Bencoded = string | number | Bencoded[] | { [key: string]: Bencoded };

export function bencode(value: Bencoded): string {
  if (typeof value === 'number') return `i${Math.trunc(value)}e`;
  if (typeof value === 'string') return `${Buffer.byteLength(value)}:${value}`;
  if (Array.isArray(value)) return `l${value.map(bencode).join('')}e`;
  const keys = Object.keys(value).sort();
  return `d${keys.map((key) => bencode(key) + bencode(value[key]!)).join('')}e`;
}

export function bdecode(data: Buffer): Bencoded {
  let at = 0;
  const next = (): Bencoded => {
    const kind = String.fromCharCode(data[at]!);
    if (kind === 'i') {
      const end = data.indexOf(0x65, at);
      const number = Number(data.subarray(at + 1, end).toString());
      at = end + 1;
      return number;
    }
    if (kind === 'l' || kind === 'd') {
      at++;
      const items: Bencoded[] = [];
      while (data[at] !== 0x65) items.push(next());
      at++;
      if (kind === 'l') return items;
      const dict: Record<string, Bencoded> = {};
      for (let i = 0; i < items.length; i += 2) dict[String(items[i])] = items[i + 1]!;
      return dict;
    }
    const colon = data.indexOf(0x3a, at);
    if (colon < 0 || !/^\d+$/.test(data.subarray(at, colon).toString()))
      throw new Error(`not bencode at byte ${at}`);
    const length = Number(data.subarray(at, colon).toString());
    const text = data.subarray(colon + 1, colon + 1 + length).toString();
    at = colon + 1 + length;
    return text;
  };
  return next();
}

/** One ng request; resolves to rtpengine's answer, or null when none came within `timeoutMs`. */
export function ngRequest(
  port: number,
  request: Record<string, Bencoded>,
  timeoutMs = 500,
): Promise<Record<string, Bencoded> | null> {
  return new Promise((resolve) => {
    const cookie = randomBytes(6).toString('hex');
    const socket = createSocket('udp4');
    const done = (answer: Record<string, Bencoded> | null) => {
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on('message', (message) => {
      const space = message.indexOf(0x20);
      if (message.subarray(0, space).toString() !== cookie) return;
      try {
        done(bdecode(message.subarray(space + 1)) as Record<string, Bencoded>);
      } catch {
        done(null);
      }
    });
    socket.on('error', () => done(null));
    socket.send(`${cookie} ${bencode(request)}`, port, '127.0.0.1');
  });
}

type Dict = Record<string, Bencoded>;
const asDicts = (value: Bencoded | undefined): Dict[] =>
  Array.isArray(value)
    ? (value.filter((item) => typeof item === 'object' && !Array.isArray(item)) as Dict[])
    : [];

/**
 * The RTP packets the relay received from the browser's side of call `callId` (its ICE/DTLS-SRTP legs),
 * which it forwards to the phone: what a phone gets from the page, counted where the phone's leg starts
 * (a plain phone, baresip, gives no live count of its own). 0 when rtpengine does not know the call.
 */
export async function packetsFromBrowser(port: number, callId: string): Promise<number> {
  const answer = await ngRequest(port, { command: 'query', 'call-id': callId });
  const tags = answer?.tags;
  if (!tags || typeof tags !== 'object' || Array.isArray(tags)) return 0;
  let packets = 0;
  for (const tag of Object.values(tags)) {
    if (typeof tag !== 'object' || Array.isArray(tag)) continue;
    for (const media of asDicts(tag.medias)) {
      if (!String(media.protocol ?? '').includes('SAVPF')) continue;
      for (const stream of asDicts(media.streams)) {
        const flags = Array.isArray(stream.flags) ? stream.flags : [];
        const stats = stream.stats as Dict | undefined;
        if (flags.includes('RTP') && typeof stats?.packets === 'number') packets += stats.packets;
      }
    }
  }
  return packets;
}
