import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadServiceConfig } from '../src/config';
import { ConfigError } from '../src/lib/env';
import { apiUrl, authUrl, loadCtpConfig } from '../src/lib/ctp-config';
import { randomSecret } from './helpers/ctp';

const TOKEN = randomSecret();
const SHORT_TOKEN = randomSecret().slice(0, 10);
const CLIENT_SECRET = randomSecret();

describe('loadServiceConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadServiceConfig({ SAMPLE_PRODUCT_SKU: 'SAMPLE-1', EXTENSION_AUTH_TOKEN: TOKEN });
    assert.deepEqual(config, {
      rule: { sku: 'SAMPLE-1', quantity: 1, minCentAmount: 10000, currencyCode: 'EUR' },
      authHeaderValue: `Bearer ${TOKEN}`,
    });
  });

  it('reads explicit values', () => {
    const config = loadServiceConfig({
      SAMPLE_PRODUCT_SKU: 'GIFT',
      SAMPLE_QUANTITY: '2',
      CART_MIN_AMOUNT_CENT_AMOUNT: '5000',
      CART_MIN_AMOUNT_CURRENCY_CODE: 'USD',
      EXTENSION_AUTH_TOKEN: TOKEN,
    });
    assert.deepEqual(config.rule, { sku: 'GIFT', quantity: 2, minCentAmount: 5000, currencyCode: 'USD' });
  });

  it('lists every problem by key and never echoes a value', () => {
    assert.throws(
      () => loadServiceConfig({ SAMPLE_QUANTITY: '0', CART_MIN_AMOUNT_CENT_AMOUNT: '12.5', EXTENSION_AUTH_TOKEN: SHORT_TOKEN }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 4);
        assert.match(err.message, /SAMPLE_PRODUCT_SKU is required/);
        assert.match(err.message, /SAMPLE_QUANTITY/);
        assert.match(err.message, /CART_MIN_AMOUNT_CENT_AMOUNT/);
        assert.match(err.message, /EXTENSION_AUTH_TOKEN/);
        assert.ok(!err.message.includes(SHORT_TOKEN));
        return true;
      },
    );
  });
});

describe('loadCtpConfig', () => {
  const base = {
    CTP_PROJECT_KEY: 'shop',
    CTP_CLIENT_ID: 'id',
    CTP_CLIENT_SECRET: CLIENT_SECRET,
    CTP_SCOPE: 'manage_extensions:shop  view_products:shop',
    CTP_REGION: 'us-east-2.aws',
  };

  it('reads the credentials and splits scopes', () => {
    assert.deepEqual(loadCtpConfig(base), {
      projectKey: 'shop',
      clientId: 'id',
      clientSecret: CLIENT_SECRET,
      scopes: ['manage_extensions:shop', 'view_products:shop'],
      region: 'us-east-2.aws',
    });
  });

  it('builds the standard hosts from the region', () => {
    assert.equal(apiUrl('us-central1.gcp'), 'https://api.us-central1.gcp.commercetools.com');
    assert.equal(authUrl('eu-central-1.aws'), 'https://auth.eu-central-1.aws.commercetools.com');
  });

  it('rejects a region that would change the host', () => {
    for (const region of ['evil.example/x', 'a@b', 'x:1', '.gcp']) {
      assert.throws(() => loadCtpConfig({ ...base, CTP_REGION: region }), /CTP_REGION/);
    }
  });

  it('requires the credentials', () => {
    assert.throws(() => loadCtpConfig({}), (err: unknown) => err instanceof ConfigError && err.problems.length === 5);
  });
});
