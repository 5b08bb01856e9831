import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildApp, JobDeps } from '../src/app';
import { dispatch } from '../src/lib/http-app';
import { silentLogger } from '../src/lib/logger';
import { daysAgo, fakeCatalog, FakeCatalog, NOW, product } from './helpers/fixtures';
import { request } from './helpers/requests';

function app(catalog: FakeCatalog) {
  const deps: JobDeps = { catalog, categoryKey: 'new-arrivals', maxAgeDays: 30, logger: silentLogger, now: () => NOW };
  return buildApp(deps);
}

describe('cleanup endpoint', () => {
  it('runs on POST and answers 200 with a summary', async () => {
    const catalog = fakeCatalog([product('a', daysAgo(45)), product('b', daysAgo(1))]);
    const result = await dispatch(request('POST', '/cleanup'), app(catalog));
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, {
      categoryKey: 'new-arrivals',
      categoryFound: true,
      cutoff: '2026-01-30T00:00:00.000Z',
      examined: 1,
      removed: 1,
      skipped: 0,
      failed: 0,
      pages: 1,
      truncated: false,
    });
  });

  it('ignores whatever body the scheduler sends', async () => {
    for (const body of ['', '{}', 'not json at all', '[1,2']) {
      const result = await dispatch(request('POST', '/cleanup', body), app(fakeCatalog([])));
      assert.equal(result.status, 200, body);
    }
  });

  it('answers 200 for an empty or missing category', async () => {
    assert.equal((await dispatch(request('POST', '/cleanup'), app(fakeCatalog([])))).status, 200);
    const missing = buildApp({ catalog: fakeCatalog([], []), categoryKey: 'new-arrivals', maxAgeDays: 30, logger: silentLogger });
    const result = await dispatch(request('POST', '/cleanup'), missing);
    assert.equal(result.status, 200);
    assert.equal((result.body as { categoryFound: boolean }).categoryFound, false);
  });

  it('reports partial failure as 500 with the summary and no internals', async () => {
    const catalog = fakeCatalog([product('a', daysAgo(45))]);
    catalog.failures.set('a', [Object.assign(new Error('forbidden at /srv/dist/catalog.js:3'), { statusCode: 403 })]);
    const result = await dispatch(request('POST', '/cleanup'), app(catalog));
    assert.equal(result.status, 500);
    assert.match(JSON.stringify(result.body), /PartialFailure/);
    assert.doesNotMatch(JSON.stringify(result.body), /catalog\.js|forbidden/);
  });

  it('answers a generic 500 when the API is unreachable', async () => {
    const catalog = fakeCatalog([]);
    catalog.getCategoryByKey = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND api.example'), { statusCode: 0 });
    };
    const result = await dispatch(request('POST', '/cleanup'), app(catalog));
    assert.deepEqual(result, { status: 500, body: { errors: [{ code: 'InternalError', message: 'The request could not be processed' }] } });
  });

  it('rejects oversized bodies and serves only its path', async () => {
    assert.equal((await dispatch(request('POST', '/cleanup', 'x'.repeat(1024 * 1024 + 1)), app(fakeCatalog([])))).status, 413);
    assert.equal((await dispatch(request('GET', '/cleanup'), app(fakeCatalog([])))).status, 405);
    assert.equal((await dispatch(request('POST', '/job'), app(fakeCatalog([])))).status, 404);
  });
});
