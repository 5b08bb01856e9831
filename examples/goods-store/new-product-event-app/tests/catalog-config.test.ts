import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sdkCatalog } from '../src/catalog';
import { loadEventConfig } from '../src/config';
import { createApiRoot } from '../src/lib/ctp-client';
import { fakeFetch, notFound } from './helpers/fake-fetch';
import { product, PRODUCT_ID } from './helpers/fixtures';
import { testCtpConfig } from './helpers/ctp';

const ctp = testCtpConfig({ region: 'europe-west1.gcp' });

describe('sdkCatalog', () => {
  it('sends addToCategory with the product version', async () => {
    const fake = fakeFetch((req) => (req.method === 'POST' ? { status: 200, body: product() } : notFound()));
    const catalog = sdkCatalog(createApiRoot(ctp, { timeoutMs: 1000, maxRetries: 0, httpClient: fake.fetch }));
    await catalog.addToCategory(product([], [], 7), 'cat-1', false);
    assert.equal(fake.requests[0].path, `/shop/products/${PRODUCT_ID}`);
    assert.deepEqual(fake.requests[0].body, {
      version: 7,
      actions: [{ action: 'addToCategory', category: { typeId: 'category', id: 'cat-1' }, staged: false }],
    });
  });

  it('maps 404 to undefined and lets other errors through', async () => {
    const missing = sdkCatalog(createApiRoot(ctp, { timeoutMs: 1000, maxRetries: 0, httpClient: fakeFetch(notFound).fetch }));
    assert.equal(await missing.getProduct(PRODUCT_ID), undefined);
    assert.equal(await missing.getCategoryByKey('new-arrivals'), undefined);
    const failing = fakeFetch(() => ({ status: 500, body: { statusCode: 500, message: 'down' } }));
    const broken = sdkCatalog(createApiRoot(ctp, { timeoutMs: 1000, maxRetries: 0, httpClient: failing.fetch }));
    await assert.rejects(broken.getProduct(PRODUCT_ID));
  });
});

describe('loadEventConfig', () => {
  it('defaults the category key', () => {
    assert.deepEqual(loadEventConfig({}), { categoryKey: 'new-arrivals' });
    assert.deepEqual(loadEventConfig({ NEW_ARRIVALS_CATEGORY_KEY: 'fresh' }), { categoryKey: 'fresh' });
  });

  it('rejects an invalid key', () => {
    assert.throws(() => loadEventConfig({ NEW_ARRIVALS_CATEGORY_KEY: 'new arrivals/../x' }), /NEW_ARRIVALS_CATEGORY_KEY/);
  });
});
