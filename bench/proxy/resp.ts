// Just enough of Redis's protocol (RESP) to check that bytes come through the proxy intact: pipelined
// commands out, replies parsed back, binary-safe.
import { connect, type Socket } from 'node:net';

export type Reply = string | Buffer | null | Error;

export function command(...parts: Array<string | Buffer>): Buffer {
  const chunks: Buffer[] = [Buffer.from(`*${parts.length}\r\n`)];
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part) : part;
    chunks.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(chunks);
}

/** Parses replies from a growing buffer; returns those complete and how many bytes they took. */
function parse(buffer: Buffer, from: number): { reply: Reply; end: number } | null {
  const lineEnd = buffer.indexOf('\r\n', from);
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(buffer[from]);
  const line = buffer.toString('latin1', from + 1, lineEnd);
  if (type === '+') return { reply: line, end: lineEnd + 2 };
  if (type === '-') return { reply: new Error(line), end: lineEnd + 2 };
  if (type === ':') return { reply: line, end: lineEnd + 2 };
  if (type === '$') {
    const length = Number(line);
    if (length < 0) return { reply: null, end: lineEnd + 2 };
    const end = lineEnd + 2 + length + 2;
    if (buffer.length < end) return null;
    return { reply: buffer.subarray(lineEnd + 2, lineEnd + 2 + length), end };
  }
  throw new Error(`unexpected RESP reply type ${JSON.stringify(type)}`);
}

export class RespClient {
  private pending: Buffer = Buffer.alloc(0);
  private readonly waiting: Array<(reply: Reply) => void> = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static open(port: number): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(new RespClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends every command at once (one pipeline) and resolves with the replies, in order. */
  pipeline(commands: Buffer[]): Promise<Reply[]> {
    const replies = commands.map(() => new Promise<Reply>((resolve) => this.waiting.push(resolve)));
    this.socket.write(Buffer.concat(commands));
    return Promise.all(replies);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let offset = 0;
    for (;;) {
      const parsed = parse(this.pending, offset);
      if (!parsed) break;
      offset = parsed.end;
      // Copied, so that a reply does not keep the whole chunk it came in alive.
      this.waiting.shift()?.(Buffer.isBuffer(parsed.reply) ? Buffer.from(parsed.reply) : parsed.reply);
    }
    this.pending = this.pending.subarray(offset);
  }
}
