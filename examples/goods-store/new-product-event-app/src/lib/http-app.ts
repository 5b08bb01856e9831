import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Logger, describeError } from './logger';

/** What a route handler answers; `body` is serialised as JSON. */
export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** Checked before the body is read; a rejected request gets 401. */
  authorize?: (headers: IncomingHttpHeaders) => boolean;
  /** `json` (default for POST) parses the body; `ignore` reads it within the limit and drops it. */
  body?: 'json' | 'ignore';
  handle: (body: unknown, headers: IncomingHttpHeaders) => Promise<HttpResult> | HttpResult;
}

/** The parts of an incoming request the dispatcher needs (an IncomingMessage fits). */
export interface RequestLike extends AsyncIterable<unknown> {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
}

export interface AppOptions {
  routes: Route[];
  logger: Logger;
  maxBodyBytes: number;
}

/** Raised by handlers for client errors; the message is shown to the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function errorBody(code: string, message: string): { errors: Array<{ code: string; message: string }> } {
  return { errors: [{ code, message }] };
}

/** Routes one request to a handler and turns every failure into a JSON answer without internals. */
export async function dispatch(req: RequestLike, options: AppOptions): Promise<HttpResult> {
  const path = (req.url ?? '/').split('?')[0];
  const method = (req.method ?? 'GET').toUpperCase();
  const candidates = options.routes.filter((route) => route.path === path);
  if (candidates.length === 0) {
    return { status: 404, body: errorBody('ResourceNotFound', 'No such endpoint') };
  }
  const route = candidates.find((candidate) => candidate.method === method);
  if (!route) {
    const allow = candidates.map((candidate) => candidate.method).join(', ');
    return { status: 405, headers: { Allow: allow }, body: errorBody('MethodNotAllowed', `Use ${allow} on ${path}`) };
  }
  if (route.authorize && !route.authorize(req.headers)) {
    return {
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer' },
      body: errorBody('Unauthorized', 'Missing or invalid Authorization header'),
    };
  }
  try {
    const body = method === 'POST' ? await readBody(req, route, options.maxBodyBytes) : undefined;
    return await route.handle(body, req.headers);
  } catch (err) {
    if (err instanceof HttpError) {
      return { status: err.status, body: errorBody(err.code, err.message) };
    }
    options.logger.error('Unhandled error while handling a request', { path, ...describeError(err) });
    return { status: 500, body: errorBody('InternalError', 'The request could not be processed') };
  }
}

async function readBody(req: RequestLike, route: Route, limit: number): Promise<unknown> {
  if (route.body === 'ignore') {
    await readText(req, limit);
    return undefined;
  }
  return readJson(req, limit);
}

/** Reads at most `limit` bytes and parses them as JSON. */
export async function readJson(req: RequestLike, limit: number): Promise<unknown> {
  const text = await readText(req, limit);
  if (text.trim() === '') {
    throw new HttpError(400, 'InvalidInput', 'Request body is empty; expected JSON');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'InvalidInput', 'Request body is not valid JSON');
  }
}

/** Reads at most `limit` bytes; more is a 413. */
export async function readText(req: RequestLike, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new HttpError(413, 'PayloadTooLarge', `Request body exceeds ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) {
      throw new HttpError(413, 'PayloadTooLarge', `Request body exceeds ${limit} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Adapts `dispatch` to node:http. */
export function createRequestListener(options: AppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = Date.now();
    dispatch(req, options)
      .then((result) => {
        send(res, result);
        options.logger.info('request handled', {
          method: req.method,
          // Bounded: the path is caller input.
          path: (req.url ?? '/').split('?')[0].slice(0, 200),
          status: result.status,
          durationMs: Date.now() - started,
        });
      })
      .catch((err: unknown) => {
        options.logger.error('Failed to answer a request', describeError(err));
        send(res, { status: 500, body: errorBody('InternalError', 'The request could not be processed') });
      });
  };
}

function send(res: ServerResponse, result: HttpResult): void {
  if (res.headersSent) {
    return;
  }
  const payload = result.body === undefined ? '' : JSON.stringify(result.body);
  const headers: Record<string, string | number> = { ...result.headers, 'Content-Length': Buffer.byteLength(payload) };
  if (payload) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  if (result.status === 413) {
    // The rest of the oversized body is not read; do not keep the connection.
    headers.Connection = 'close';
  }
  res.writeHead(result.status, headers);
  res.end(payload);
}
