import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Extension } from '@commercetools/platform-sdk';
import {
  ensureExtension,
  EXTENSION_KEY,
  extensionDraft,
  extensionUpdates,
  removeExtension,
  serviceUrlFrom,
} from '../src/connector/extension';
import { createApiRoot } from '../src/lib/ctp-client';
import { silentLogger } from '../src/lib/logger';
import { FAKE_TOKEN, FakeRequest, FakeResponse, fakeFetch, notFound } from './helpers/fake-fetch';
import { randomSecret, testCtpConfig } from './helpers/ctp';

const ctp = testCtpConfig({ region: 'us-central1.gcp' });
const URL_A = 'https://free-sample.example.com/free-sample';
const HEADER = `Bearer ${randomSecret()}`;

/** An in-memory Extensions endpoint that applies the update actions it receives. */
function extensionsApi() {
  const store = new Map<string, Extension>();
  const handler = (req: FakeRequest): FakeResponse => {
    const byKey = /^\/shop\/extensions\/key=(.+)$/.exec(req.path);
    if (req.method === 'POST' && req.path === '/shop/extensions') {
      const draft = req.body as Extension;
      const created = { ...draft, id: `ext-${store.size + 1}`, version: 1 } as Extension;
      store.set(draft.key as string, created);
      return { status: 201, body: created };
    }
    if (!byKey) return notFound();
    const current = store.get(decodeURIComponent(byKey[1]));
    if (!current) return notFound();
    if (req.method === 'GET') {
      // Like the platform, never give the secret back.
      return { status: 200, body: { ...current, destination: { ...current.destination, authentication: { type: 'AuthorizationHeader' } } } };
    }
    if (req.method === 'DELETE') {
      assert.equal(req.query.get('version'), String(current.version));
      store.delete(current.key as string);
      return { status: 200, body: current };
    }
    const update = req.body as { version: number; actions: Array<Record<string, unknown>> };
    assert.equal(update.version, current.version);
    const next: Record<string, unknown> = { ...current, version: current.version + 1 };
    for (const action of update.actions) {
      if (action.action === 'changeDestination') next.destination = action.destination;
      if (action.action === 'changeTriggers') next.triggers = action.triggers;
      if (action.action === 'setTimeoutInMs') next.timeoutInMs = action.timeoutInMs;
    }
    store.set(current.key as string, next as unknown as Extension);
    return { status: 200, body: next };
  };
  return { store, handler };
}

describe('extension registration', () => {
  it('creates the extension, then updates it in place on a second run', async () => {
    const api = extensionsApi();
    const fake = fakeFetch(api.handler);
    const apiRoot = createApiRoot(ctp, { timeoutMs: 1000, maxRetries: 0, httpClient: fake.fetch });
    const first = `Bearer ${randomSecret()}`;
    const rotated = `Bearer ${randomSecret()}`;
    const draft = extensionDraft(URL_A, first);

    assert.equal(await ensureExtension(apiRoot, draft, silentLogger), 'created');
    assert.equal(await ensureExtension(apiRoot, extensionDraft(URL_A, rotated), silentLogger), 'updated');

    assert.equal(api.store.size, 1);
    const stored = api.store.get(EXTENSION_KEY);
    assert.ok(stored);
    assert.deepEqual(stored.destination, {
      type: 'HTTP',
      url: URL_A,
      authentication: { type: 'AuthorizationHeader', headerValue: rotated },
    });
    assert.deepEqual(stored.triggers, [{ resourceTypeId: 'cart', actions: ['Create', 'Update'] }]);
    assert.equal(fake.requests.filter((r) => r.method === 'POST' && r.path === '/shop/extensions').length, 1);
    // Hosts come from CTP_REGION and every API call carries the OAuth token.
    assert.deepEqual([...new Set(fake.tokenRequests)], ['auth.us-central1.gcp.commercetools.com']);
    assert.ok(fake.requests.every((r) => r.host === 'api.us-central1.gcp.commercetools.com'));
    assert.ok(fake.requests.every((r) => r.authorization === `Bearer ${FAKE_TOKEN}`));
  });

  it('deletes the extension, and a second delete is a no-op', async () => {
    const api = extensionsApi();
    const fake = fakeFetch(api.handler);
    const apiRoot = createApiRoot(ctp, { timeoutMs: 1000, maxRetries: 0, httpClient: fake.fetch });
    await ensureExtension(apiRoot, extensionDraft(URL_A, HEADER), silentLogger);

    assert.equal(await removeExtension(apiRoot, EXTENSION_KEY, silentLogger), true);
    assert.equal(api.store.size, 0);
    assert.equal(await removeExtension(apiRoot, EXTENSION_KEY, silentLogger), false);
  });

  it('propagates errors other than 404', async () => {
    const fake = fakeFetch(() => ({ status: 403, body: { statusCode: 403, message: 'insufficient_scope' } }));
    const apiRoot = createApiRoot(ctp, { timeoutMs: 1000, maxRetries: 0, httpClient: fake.fetch });
    await assert.rejects(ensureExtension(apiRoot, extensionDraft(URL_A, HEADER), silentLogger), (err: unknown) => {
      return (err as { statusCode?: number }).statusCode === 403;
    });
  });

  it('only sends trigger and timeout changes when they differ', () => {
    const draft = extensionDraft(URL_A, HEADER);
    const current = { ...draft, id: 'x', version: 4, triggers: [{ resourceTypeId: 'cart', actions: ['Update', 'Create'] }] } as Extension;
    assert.deepEqual(
      extensionUpdates(current, draft).map((a) => a.action),
      ['changeDestination'],
    );
    const drifted = { ...current, triggers: [{ resourceTypeId: 'cart', actions: ['Create'] }], timeoutInMs: 5000 } as Extension;
    assert.deepEqual(
      extensionUpdates(drifted, draft).map((a) => a.action),
      ['changeDestination', 'changeTriggers', 'setTimeoutInMs'],
    );
  });

  it('accepts only absolute http(s) service URLs', () => {
    assert.equal(serviceUrlFrom(` ${URL_A} `), URL_A);
    assert.throws(() => serviceUrlFrom(undefined), /CONNECT_SERVICE_URL/);
    assert.throws(() => serviceUrlFrom('/free-sample'), /CONNECT_SERVICE_URL/);
    assert.throws(() => serviceUrlFrom('ftp://host/x'), /CONNECT_SERVICE_URL/);
  });
});
