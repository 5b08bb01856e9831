import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanupNewArrivals, CleanupOptions, cutoffFor } from '../src/cleanup';
import { silentLogger } from '../src/lib/logger';
import { CATEGORY, daysAgo, fakeCatalog, NOW, product } from './helpers/fixtures';

const options: CleanupOptions = { categoryKey: 'new-arrivals', maxAgeDays: 30, now: NOW, pageSize: 100, maxPages: 50 };
const conflict = Object.assign(new Error('ConcurrentModification'), { statusCode: 409 });

describe('cleanupNewArrivals', () => {
  it('removes products created before the cutoff and keeps recent ones', async () => {
    const catalog = fakeCatalog([product('a', daysAgo(45)), product('b', daysAgo(10)), product('c', daysAgo(31))]);
    const summary = await cleanupNewArrivals(catalog, options, silentLogger);
    assert.deepEqual(catalog.removals, [
      { id: 'a', staged: false },
      { id: 'c', staged: false },
    ]);
    assert.equal(summary.removed, 2);
    assert.equal(summary.failed, 0);
    assert.equal(summary.cutoff, '2026-01-30T00:00:00.000Z');
    assert.deepEqual(catalog.products.get('b')?.masterData.staged.categories, [{ typeId: 'category', id: CATEGORY.id }]);
    assert.deepEqual(catalog.products.get('a')?.masterData.current.categories, []);
  });

  it('honours NEW_ARRIVALS_MAX_AGE_DAYS', async () => {
    assert.equal(cutoffFor(NOW, 7), '2026-02-22T00:00:00.000Z');
    const catalog = fakeCatalog([product('a', daysAgo(8)), product('b', daysAgo(6))]);
    const summary = await cleanupNewArrivals(catalog, { ...options, maxAgeDays: 7 }, silentLogger);
    assert.deepEqual(catalog.removals.map((r) => r.id), ['a']);
    assert.equal(summary.removed, 1);
  });

  it('pages through the category with an id cursor', async () => {
    const ids = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const catalog = fakeCatalog(ids.map((id) => product(id, daysAgo(60))));
    const summary = await cleanupNewArrivals(catalog, { ...options, pageSize: 2 }, silentLogger);
    assert.equal(summary.removed, 5);
    assert.equal(summary.pages, 3);
    assert.deepEqual(catalog.queries.map((q) => q.afterId), [undefined, 'p2', 'p4']);
  });

  it('stops after maxPages and reports the run as truncated', async () => {
    const catalog = fakeCatalog(['p1', 'p2', 'p3', 'p4', 'p5'].map((id) => product(id, daysAgo(60))));
    const summary = await cleanupNewArrivals(catalog, { ...options, pageSize: 2, maxPages: 1 }, silentLogger);
    assert.equal(summary.truncated, true);
    assert.equal(summary.removed, 2);
  });

  it('handles an empty category', async () => {
    const summary = await cleanupNewArrivals(fakeCatalog([]), options, silentLogger);
    assert.deepEqual(
      { found: summary.categoryFound, examined: summary.examined, removed: summary.removed, pages: summary.pages },
      { found: true, examined: 0, removed: 0, pages: 1 },
    );
  });

  it('handles a missing category', async () => {
    const catalog = fakeCatalog([product('a', daysAgo(45))], []);
    const summary = await cleanupNewArrivals(catalog, options, silentLogger);
    assert.equal(summary.categoryFound, false);
    assert.equal(catalog.queries.length, 0);
  });

  it('only touches the staged projection when the published one lacks the category', async () => {
    const catalog = fakeCatalog([product('a', daysAgo(45), [], [CATEGORY.id])]);
    await cleanupNewArrivals(catalog, options, silentLogger);
    assert.deepEqual(catalog.removals, [{ id: 'a', staged: true }]);
  });

  it('retries version conflicts and counts other failures without stopping', async () => {
    const catalog = fakeCatalog([product('a', daysAgo(45)), product('b', daysAgo(45)), product('c', daysAgo(45))]);
    catalog.failures.set('a', [conflict]);
    catalog.failures.set('b', [Object.assign(new Error('forbidden'), { statusCode: 403 })]);
    const summary = await cleanupNewArrivals(catalog, options, silentLogger);
    assert.equal(summary.removed, 2);
    assert.equal(summary.failed, 1);
    assert.deepEqual(catalog.removals.map((r) => r.id), ['a', 'a', 'b', 'c']);
  });
});
