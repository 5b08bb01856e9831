import { randomSecret } from './ctp';

/**
 * A fetch replacement for tests: the real SDK talks to it instead of the
 * network. OAuth is answered automatically; API calls go to `handler`.
 */
export interface FakeRequest {
  method: string;
  host: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization?: string;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse;

export interface FakeFetch {
  fetch: typeof fetch;
  requests: FakeRequest[];
  tokenRequests: string[];
}

export const FAKE_TOKEN = randomSecret();

export function fakeFetch(handler: FakeHandler): FakeFetch {
  const requests: FakeRequest[] = [];
  const tokenRequests: string[] = [];
  const impl = async (input: unknown, init?: { method?: string; headers?: Record<string, string>; body?: unknown }) => {
    const url = new URL(String(input));
    const headers = Object.fromEntries(Object.entries(init?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    if (url.pathname === '/oauth/token') {
      tokenRequests.push(url.host);
      return json(200, { access_token: FAKE_TOKEN, token_type: 'Bearer', expires_in: 172800, scope: 'test' });
    }
    const raw = typeof init?.body === 'string' ? init.body : undefined;
    const req: FakeRequest = {
      method: (init?.method ?? 'GET').toUpperCase(),
      host: url.host,
      path: url.pathname,
      query: url.searchParams,
      body: raw ? (JSON.parse(raw) as unknown) : undefined,
      authorization: headers.authorization,
    };
    requests.push(req);
    const response = handler(req);
    return json(response.status, response.body ?? {});
  };
  return { fetch: impl as unknown as typeof fetch, requests, tokenRequests };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function notFound(): FakeResponse {
  return { status: 404, body: { statusCode: 404, message: 'not found', errors: [{ code: 'ResourceNotFound', message: 'not found' }] } };
}
