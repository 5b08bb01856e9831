import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import { buildApp } from '../src/app';
import { authorizationHeaderValue } from '../src/auth';
import { ServiceConfig } from '../src/config';
import { dispatch, HttpResult } from '../src/lib/http-app';
import { silentLogger } from '../src/lib/logger';
import { cartRequest } from './helpers/fixtures';
import { request } from './helpers/requests';
import { randomSecret } from './helpers/ctp';

const TOKEN = randomSecret();
const config: ServiceConfig = {
  rule: { sku: 'SAMPLE-1', quantity: 1, minCentAmount: 10000, currencyCode: 'EUR' },
  authHeaderValue: authorizationHeaderValue(TOKEN),
};
const app = buildApp(config, silentLogger);
const auth = { authorization: `Bearer ${TOKEN}` };

function call(method: string, url: string, body?: unknown, headers: IncomingHttpHeaders = auth): Promise<HttpResult> {
  return dispatch(request(method, url, body, headers), app);
}

function errorCode(result: HttpResult): string | undefined {
  return (result.body as { errors?: Array<{ code: string }> }).errors?.[0]?.code;
}

describe('free-sample HTTP endpoint', () => {
  it('answers 200 with the planned actions for an authenticated cart update', async () => {
    const result = await call('POST', '/free-sample', cartRequest());
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, {
      actions: [{ action: 'addLineItem', sku: 'SAMPLE-1', quantity: 1, externalPrice: { currencyCode: 'EUR', centAmount: 0 } }],
    });
  });

  it('answers 200 with no actions for a cart under the threshold', async () => {
    const result = await call('POST', '/free-sample', cartRequest({ totalPrice: { currencyCode: 'EUR', centAmount: 100 } }));
    assert.deepEqual(result, { status: 200, body: { actions: [] } });
  });

  it('rejects a request without an Authorization header with 401', async () => {
    const result = await call('POST', '/free-sample', cartRequest(), {});
    assert.equal(result.status, 401);
    assert.equal(errorCode(result), 'Unauthorized');
  });

  it('rejects a wrong token with 401', async () => {
    for (const authorization of ['Bearer wrong', TOKEN, `Basic ${TOKEN}`, `Bearer ${TOKEN} `]) {
      const result = await call('POST', '/free-sample', cartRequest(), { authorization });
      assert.equal(result.status, 401, authorization);
    }
  });

  it('answers 400 InvalidInput for malformed bodies, never 5xx', async () => {
    for (const body of ['{not json', '', '[]', '{}', JSON.stringify({ action: 'Update', resource: { typeId: 'cart' } })]) {
      const result = await call('POST', '/free-sample', body);
      assert.equal(result.status, 400, body);
      assert.equal(errorCode(result), 'InvalidInput');
      assert.doesNotMatch(JSON.stringify(result.body), /\bat .*\.js:\d+/);
    }
  });

  it('answers 413 for a body over 1 MB', async () => {
    const result = await call('POST', '/free-sample', 'x'.repeat(1024 * 1024 + 1));
    assert.equal(result.status, 413);
    assert.equal(errorCode(result), 'PayloadTooLarge');
  });

  it('answers 413 from Content-Length before reading', async () => {
    const result = await call('POST', '/free-sample', '{}', { ...auth, 'content-length': String(5 * 1024 * 1024) });
    assert.equal(result.status, 413);
  });

  it('serves only its paths', async () => {
    assert.equal((await call('POST', '/other', cartRequest())).status, 404);
    assert.equal((await call('POST', '/free-sample/extra', cartRequest())).status, 404);
    const wrongMethod = await call('GET', '/free-sample');
    assert.equal(wrongMethod.status, 405);
    assert.deepEqual(wrongMethod.headers, { Allow: 'POST' });
  });

  it('ignores the query string when routing', async () => {
    assert.equal((await call('POST', '/free-sample?trace=1', cartRequest())).status, 200);
  });

  it('has an unauthenticated health check', async () => {
    assert.deepEqual(await call('GET', '/health', undefined, {}), { status: 200, body: { status: 'ok' } });
  });
});
