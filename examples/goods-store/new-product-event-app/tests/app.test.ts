import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildApp, EventDeps } from '../src/app';
import { dispatch, HttpResult } from '../src/lib/http-app';
import { silentLogger } from '../src/lib/logger';
import { CATEGORY, envelope, fakeCatalog, FakeCatalog, notification, product, PRODUCT_ID } from './helpers/fixtures';
import { request } from './helpers/requests';

function deps(catalog: FakeCatalog): EventDeps {
  return { catalog, categoryKey: 'new-arrivals', projectKey: 'cert-project', logger: silentLogger };
}

function post(catalog: FakeCatalog, body: unknown): Promise<HttpResult> {
  return dispatch(request('POST', '/new-product', body), buildApp(deps(catalog)));
}

const isAck = (status: number): boolean => [102, 200, 201, 202, 204].includes(status);

describe('new-product push endpoint', () => {
  it('adds the created product to New Arrivals and acks', async () => {
    const catalog = fakeCatalog([product()]);
    const result = await post(catalog, envelope(notification()));
    assert.deepEqual(result, { status: 200, body: { outcome: 'added' } });
    assert.deepEqual(catalog.calls, [{ productId: PRODUCT_ID, categoryId: CATEGORY.id, staged: false, version: 1 }]);
  });

  it('acks a redelivery without a second update', async () => {
    const catalog = fakeCatalog([product()]);
    await post(catalog, envelope(notification()));
    const again = await post(catalog, envelope(notification()));
    assert.deepEqual(again, { status: 200, body: { outcome: 'already-in-category' } });
    assert.equal(catalog.calls.length, 1);
  });

  it('acks messages it ignores', async () => {
    const catalog = fakeCatalog([product()]);
    const ignored = [
      envelope({ notificationType: 'ResourceCreated', projectKey: 'cert-project', resource: { typeId: 'subscription', id: 's' }, version: 1 }),
      envelope(notification({ type: 'OrderCreated', resource: { typeId: 'order', id: 'o' } })),
      { message: { data: '%%%' } },
    ];
    for (const body of ignored) {
      const result = await post(catalog, body);
      assert.ok(isAck(result.status), JSON.stringify(result));
    }
    assert.equal(catalog.calls.length, 0);
  });

  it('acks a message about a product that no longer exists', async () => {
    const result = await post(fakeCatalog([]), envelope(notification()));
    assert.deepEqual(result, { status: 200, body: { outcome: 'product-not-found' } });
  });

  it('answers 400 for a body without message, and for invalid JSON', async () => {
    for (const body of [{}, { subscription: 'x' }, '{oops', '']) {
      const result = await post(fakeCatalog(), body);
      assert.equal(result.status, 400, JSON.stringify(body));
      assert.deepEqual(Object.keys(result.body as object), ['errors']);
    }
  });

  it('answers a generic 500 when the API fails, so Pub/Sub redelivers', async () => {
    const catalog = fakeCatalog([product()]);
    catalog.failures.push(Object.assign(new Error('upstream 503 at /srv/dist/catalog.js:10'), { statusCode: 503 }));
    const result = await post(catalog, envelope(notification()));
    assert.equal(result.status, 500);
    assert.doesNotMatch(JSON.stringify(result.body), /upstream|catalog\.js/);
  });

  it('serves only its paths', async () => {
    const app = buildApp(deps(fakeCatalog()));
    assert.equal((await dispatch(request('POST', '/', envelope(notification())), app)).status, 404);
    assert.equal((await dispatch(request('GET', '/new-product'), app)).status, 405);
    assert.deepEqual(await dispatch(request('GET', '/health'), app), { status: 200, body: { status: 'ok' } });
  });
});
