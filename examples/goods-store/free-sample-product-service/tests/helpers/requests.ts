import { Readable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestLike } from '../../src/lib/http-app';

/** An in-memory request for `dispatch`, so tests need no socket. */
export function request(method: string, url: string, body?: unknown, headers: IncomingHttpHeaders = {}): RequestLike {
  const raw = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const stream = Readable.from(raw ? [Buffer.from(raw)] : []);
  return Object.assign(stream, { method, url, headers: { 'content-type': 'application/json', ...headers } });
}
