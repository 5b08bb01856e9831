import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dispatch, HttpError, readJson } from '../src/lib/http-app';
import { createLogger } from '../src/lib/logger';
import { request } from './helpers/requests';

describe('dispatch', () => {
  it('turns an unexpected error into a generic 500 without internals, and logs it', async () => {
    const lines: string[] = [];
    const logger = createLogger({}, (line) => lines.push(line));
    const routes = [
      {
        method: 'POST' as const,
        path: '/boom',
        handle: () => {
          throw new Error('secret detail from /srv/app/dist/index.js:12');
        },
      },
    ];
    const result = await dispatch(request('POST', '/boom', {}), { routes, logger, maxBodyBytes: 1024 });
    assert.equal(result.status, 500);
    assert.deepEqual(result.body, { errors: [{ code: 'InternalError', message: 'The request could not be processed' }] });
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]) as Record<string, unknown>;
    assert.equal(entry.severity, 'ERROR');
    assert.equal(entry.errorMessage, 'secret detail from /srv/app/dist/index.js:12');
  });

  it('passes HttpError status and message through', async () => {
    const routes = [
      {
        method: 'POST' as const,
        path: '/x',
        handle: () => {
          throw new HttpError(422, 'InvalidOperation', 'nope');
        },
      },
    ];
    const result = await dispatch(request('POST', '/x', {}), { routes, logger: createLogger({}, () => undefined), maxBodyBytes: 1024 });
    assert.deepEqual(result, { status: 422, body: { errors: [{ code: 'InvalidOperation', message: 'nope' }] } });
  });
});

describe('readJson', () => {
  it('parses JSON within the limit', async () => {
    assert.deepEqual(await readJson(request('POST', '/', { a: 1 }), 100), { a: 1 });
  });

  it('stops at the limit with 413', async () => {
    await assert.rejects(readJson(request('POST', '/', 'x'.repeat(101)), 100), (err: unknown) => err instanceof HttpError && err.status === 413);
  });
});
