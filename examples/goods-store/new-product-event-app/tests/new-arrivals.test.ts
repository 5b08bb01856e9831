import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addToNewArrivals } from '../src/new-arrivals';
import { CATEGORY, fakeCatalog, product, PRODUCT_ID } from './helpers/fixtures';

const conflict = Object.assign(new Error('ConcurrentModification'), { statusCode: 409 });

describe('addToNewArrivals', () => {
  it('adds a new product to both projections', async () => {
    const catalog = fakeCatalog([product()]);
    assert.equal(await addToNewArrivals(catalog, PRODUCT_ID, 'new-arrivals'), 'added');
    assert.deepEqual(catalog.calls, [{ productId: PRODUCT_ID, categoryId: CATEGORY.id, staged: false, version: 1 }]);
  });

  it('is idempotent: a second delivery changes nothing', async () => {
    const catalog = fakeCatalog([product()]);
    await addToNewArrivals(catalog, PRODUCT_ID, 'new-arrivals');
    assert.equal(await addToNewArrivals(catalog, PRODUCT_ID, 'new-arrivals'), 'already-in-category');
    assert.equal(catalog.calls.length, 1);
  });

  it('only updates the staged projection when the current one already has the category', async () => {
    const catalog = fakeCatalog([product([CATEGORY.id], [])]);
    assert.equal(await addToNewArrivals(catalog, PRODUCT_ID, 'new-arrivals'), 'added');
    assert.equal(catalog.calls[0].staged, true);
  });

  it('reports a missing product or category without calling the API for updates', async () => {
    assert.equal(await addToNewArrivals(fakeCatalog([]), PRODUCT_ID, 'new-arrivals'), 'product-not-found');
    const noCategory = fakeCatalog([product()], []);
    assert.equal(await addToNewArrivals(noCategory, PRODUCT_ID, 'new-arrivals'), 'category-not-found');
    assert.equal(noCategory.calls.length, 0);
  });

  it('retries a version conflict with a fresh product', async () => {
    const catalog = fakeCatalog([product()]);
    catalog.failures.push(conflict);
    assert.equal(await addToNewArrivals(catalog, PRODUCT_ID, 'new-arrivals'), 'added');
    assert.equal(catalog.calls.length, 2);
  });

  it('gives up after repeated conflicts and rethrows other errors', async () => {
    const busy = fakeCatalog([product()]);
    busy.failures.push(conflict, conflict, conflict);
    await assert.rejects(addToNewArrivals(busy, PRODUCT_ID, 'new-arrivals'), /ConcurrentModification/);
    assert.equal(busy.calls.length, 3);
    const broken = fakeCatalog([product()]);
    broken.failures.push(Object.assign(new Error('boom'), { statusCode: 500 }));
    await assert.rejects(addToNewArrivals(broken, PRODUCT_ID, 'new-arrivals'), /boom/);
    assert.equal(broken.calls.length, 1);
  });
});
