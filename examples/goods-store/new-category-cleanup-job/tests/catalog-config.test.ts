import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sdkCatalog } from '../src/catalog';
import { loadJobConfig } from '../src/config';
import { createApiRoot } from '../src/lib/ctp-client';
import { fakeFetch } from './helpers/fake-fetch';
import { daysAgo, product } from './helpers/fixtures';
import { testCtpConfig } from './helpers/ctp';

const ctp = testCtpConfig({ region: 'europe-west1.gcp' });

describe('sdkCatalog', () => {
  it('queries staged projections of the category with a bounded, id-sorted page', async () => {
    const fake = fakeFetch(() => ({ status: 200, body: { limit: 100, offset: 0, count: 0, results: [] } }));
    const catalog = sdkCatalog(createApiRoot(ctp, { timeoutMs: 1000, maxRetries: 0, httpClient: fake.fetch }));
    await catalog.queryOldProducts('cat-1', '2026-01-30T00:00:00.000Z', 'p9', 100);
    const { path, query } = fake.requests[0];
    assert.equal(path, '/shop/product-projections');
    assert.equal(query.get('where'), 'categories(id = :categoryId) and createdAt < :cutoff and id > :afterId');
    assert.equal(query.get('var.categoryId'), 'cat-1');
    assert.equal(query.get('var.cutoff'), '2026-01-30T00:00:00.000Z');
    assert.equal(query.get('var.afterId'), 'p9');
    assert.equal(query.get('staged'), 'true');
    assert.equal(query.get('sort'), 'id asc');
    assert.equal(query.get('limit'), '100');
  });

  it('omits the cursor on the first page', async () => {
    const fake = fakeFetch(() => ({ status: 200, body: { results: [] } }));
    const catalog = sdkCatalog(createApiRoot(ctp, { timeoutMs: 1000, maxRetries: 0, httpClient: fake.fetch }));
    await catalog.queryOldProducts('cat-1', '2026-01-30T00:00:00.000Z', undefined, 10);
    assert.equal(fake.requests[0].query.get('where'), 'categories(id = :categoryId) and createdAt < :cutoff');
    assert.equal(fake.requests[0].query.has('var.afterId'), false);
  });

  it('sends removeFromCategory with the product version', async () => {
    const fake = fakeFetch(() => ({ status: 200, body: {} }));
    const catalog = sdkCatalog(createApiRoot(ctp, { timeoutMs: 1000, maxRetries: 0, httpClient: fake.fetch }));
    await catalog.removeFromCategory({ ...product('p1', daysAgo(40)), version: 4 }, 'cat-1', true);
    assert.deepEqual(fake.requests[0].body, {
      version: 4,
      actions: [{ action: 'removeFromCategory', category: { typeId: 'category', id: 'cat-1' }, staged: true }],
    });
  });
});

describe('loadJobConfig', () => {
  it('applies defaults', () => {
    assert.deepEqual(loadJobConfig({}), { categoryKey: 'new-arrivals', maxAgeDays: 30 });
  });

  it('validates the age', () => {
    assert.deepEqual(loadJobConfig({ NEW_ARRIVALS_MAX_AGE_DAYS: '7' }).maxAgeDays, 7);
    for (const value of ['0', '-1', 'thirty', '3651', '1.5']) {
      assert.throws(() => loadJobConfig({ NEW_ARRIVALS_MAX_AGE_DAYS: value }), /NEW_ARRIVALS_MAX_AGE_DAYS/);
    }
  });
});
