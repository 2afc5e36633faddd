import type { RequestHead } from './toxics/toxic.js';

// A minimal HTTP/1.1 request-boundary parser for the client-to-service stream: it finds where each
// request's head ends and how long its body is (Content-Length or chunked), so that HTTP faults act per
// request and keep-alive connections stay in step. It never changes bytes; it only labels them.

export type ParseEvent =
  | { kind: 'head'; head: RequestHead; closeAfter: boolean; bytes: Buffer }
  | { kind: 'body'; bytes: Buffer }
  | { kind: 'done' }
  /** Bytes the parser does not follow (before it found a boundary, after an upgrade, or an oversized head). */
  | { kind: 'opaque'; bytes: Buffer };

type State = 'resync' | 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'trailer' | 'opaque';

const MAX_HEAD = 64 * 1024;
const REQUEST_LINE = /^[A-Z]+ \S+ HTTP\/1\.[01]\r?\n/;

export class RequestParser {
  private state: State;
  private pending: Buffer | null = null;
  private remaining = 0;
  private line = '';

  /** `midStream`: the connection already carried traffic, so wait for a chunk that starts a request. */
  constructor(midStream: boolean) {
    this.state = midStream ? 'resync' : 'head';
  }

  push(chunk: Buffer): ParseEvent[] {
    const events: ParseEvent[] = [];
    let data = chunk;
    while (data.length > 0) data = this.step(data, events);
    return events;
  }

  private step(data: Buffer, events: ParseEvent[]): Buffer {
    switch (this.state) {
      case 'opaque':
        events.push({ kind: 'opaque', bytes: data });
        return data.subarray(data.length);
      case 'resync':
        // Clients that wait for each response (nearly all) start every request at a fresh chunk.
        if (REQUEST_LINE.test(data.subarray(0, 256).toString('latin1'))) {
          this.state = 'head';
          return data;
        }
        events.push({ kind: 'opaque', bytes: data });
        return data.subarray(data.length);
      case 'head':
        return this.readHead(data, events);
      case 'body': {
        const piece = data.subarray(0, this.remaining);
        this.remaining -= piece.length;
        events.push({ kind: 'body', bytes: piece });
        if (this.remaining === 0) this.finish(events);
        return data.subarray(piece.length);
      }
      case 'chunk-data': {
        const piece = data.subarray(0, this.remaining);
        this.remaining -= piece.length;
        events.push({ kind: 'body', bytes: piece });
        if (this.remaining === 0) this.state = 'chunk-size';
        return data.subarray(piece.length);
      }
      case 'chunk-size':
      case 'trailer':
        return this.readLine(data, events);
    }
  }

  private readHead(data: Buffer, events: ParseEvent[]): Buffer {
    const buffer = this.pending ? Buffer.concat([this.pending, data]) : data;
    const searchFrom = this.pending ? Math.max(0, this.pending.length - 3) : 0;
    const end = buffer.indexOf('\r\n\r\n', searchFrom, 'latin1');
    if (end < 0) {
      if (buffer.length > MAX_HEAD) {
        this.state = 'opaque';
        this.pending = null;
        events.push({ kind: 'opaque', bytes: buffer });
        return data.subarray(data.length);
      }
      this.pending = Buffer.from(buffer);
      return data.subarray(data.length);
    }
    this.pending = null;
    const headBytes = buffer.subarray(0, end + 4);
    const lines = headBytes.toString('latin1').split('\r\n');
    // Stray CRLFs between requests are allowed before a request line (RFC 9112 §2.2).
    while (lines[0] === '') lines.shift();
    const [method = '', path = '/', version = ''] = (lines[0] ?? '').split(' ');
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const connection = (headers['connection'] ?? '').toLowerCase();
    const closeAfter = version === 'HTTP/1.0' ? !connection.includes('keep-alive') : connection.includes('close');
    events.push({ kind: 'head', head: { method, path, headers }, closeAfter, bytes: headBytes });
    const rest = buffer.subarray(end + 4);
    if (method === 'CONNECT' || (headers['upgrade'] !== undefined && connection.includes('upgrade'))) {
      // After an upgrade the bytes are another protocol; follow them no further.
      this.state = 'opaque';
    } else if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
      this.state = 'chunk-size';
      this.line = '';
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (!Number.isSafeInteger(length) || length < 0) this.state = 'opaque';
      else if (length === 0) this.finish(events);
      else {
        this.state = 'body';
        this.remaining = length;
      }
    }
    return rest;
  }

  /** Chunk-size lines and trailer lines: short lines ending in LF. */
  private readLine(data: Buffer, events: ParseEvent[]): Buffer {
    const newline = data.indexOf(0x0a);
    const piece = newline < 0 ? data : data.subarray(0, newline + 1);
    events.push({ kind: 'body', bytes: piece });
    this.line += piece.toString('latin1');
    if (newline < 0) {
      if (this.line.length > 8192) this.state = 'opaque';
      return data.subarray(data.length);
    }
    const line = this.line.trim();
    this.line = '';
    if (this.state === 'trailer') {
      if (line === '') this.finish(events);
    } else {
      const size = parseInt(line.split(';')[0], 16);
      if (!Number.isFinite(size) || size < 0) this.state = 'opaque';
      else if (size === 0) this.state = 'trailer';
      else {
        this.state = 'chunk-data';
        this.remaining = size + 2; // the data and its CRLF
      }
    }
    return data.subarray(piece.length);
  }

  private finish(events: ParseEvent[]): void {
    this.state = 'head';
    events.push({ kind: 'done' });
  }
}
