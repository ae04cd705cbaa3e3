import { createConnection, type Socket } from 'node:net';

/** A ctrl_tcp event of baresip (`{"event":true,"type":"CALL_ESTABLISHED",…}`). */
export interface BaresipEvent {
  type: string;
  class?: string;
  param?: string;
  peeruri?: string;
  id?: string;
}

/**
 * Drives one baresip virtual phone through its ctrl_tcp module: netstring-framed JSON commands (the menu's
 * commands: dial, hangup, callstat…) and the events it pushes (CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED…),
 * kept in order so a test can ask what happened.
 */
export class BaresipControl {
  readonly events: BaresipEvent[] = [];
  #socket: Socket | null = null;
  #buffer = Buffer.alloc(0);
  #pending = new Map<string, (reply: { ok: boolean; data: string }) => void>();
  #next = 0;
  readonly #port: number;

  constructor(port: number) {
    this.#port = port;
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port: this.#port });
      socket.once('connect', () => {
        this.#socket = socket;
        resolve();
      });
      socket.once('error', reject);
      socket.on('data', (chunk) => this.#read(chunk));
    });
  }

  /** Runs a menu command (`dial`, `hangup`, `callstat`…); resolves to its output text. */
  command(command: string, params = ''): Promise<string> {
    const socket = this.#socket;
    if (!socket) return Promise.reject(new Error('baresip ctrl_tcp is not connected'));
    const token = String(++this.#next);
    const json = JSON.stringify({ command, params, token });
    socket.write(`${Buffer.byteLength(json)}:${json},`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(token);
        reject(new Error(`baresip did not answer ${command}`));
      }, 5000);
      this.#pending.set(token, ({ ok, data }) => {
        clearTimeout(timer);
        if (ok) resolve(data);
        else reject(new Error(`baresip ${command} failed: ${data}`));
      });
    });
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = null;
  }

  /** Netstrings: `<length>:<bytes>,`. */
  #read(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const colon = this.#buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.#buffer.subarray(0, colon).toString());
      if (this.#buffer.length < colon + 1 + length + 1) return;
      const body = this.#buffer.subarray(colon + 1, colon + 1 + length).toString();
      this.#buffer = this.#buffer.subarray(colon + 2 + length);
      const message = JSON.parse(body) as BaresipEvent & {
        event?: boolean;
        response?: boolean;
        ok?: boolean;
        data?: string;
        token?: string;
      };
      if (message.event) this.events.push(message);
      else if (message.response && message.token) {
        this.#pending.get(message.token)?.({ ok: message.ok === true, data: message.data ?? '' });
        this.#pending.delete(message.token);
      }
    }
  }
}
