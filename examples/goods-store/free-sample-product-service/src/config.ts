import { Env, EnvReader } from './lib/env';
import { SampleRule } from './free-sample';
import { authorizationHeaderValue } from './auth';

export interface ServiceConfig {
  rule: SampleRule;
  /** The exact Authorization header the API Extension is registered with. */
  authHeaderValue: string;
}

// Printable ASCII without spaces, long enough to resist guessing.
const TOKEN_PATTERN = /^[\x21-\x7E]{16,512}$/;

export function loadServiceConfig(env: Env): ServiceConfig {
  const reader = new EnvReader(env);
  const sku = reader.matching('SAMPLE_PRODUCT_SKU', /^.{1,256}$/, 'a SKU of at most 256 characters');
  const quantity = reader.integer('SAMPLE_QUANTITY', '1', 1, 1000);
  const minCentAmount = reader.integer('CART_MIN_AMOUNT_CENT_AMOUNT', '10000', 0, Number.MAX_SAFE_INTEGER);
  const currencyCode = reader.matching('CART_MIN_AMOUNT_CURRENCY_CODE', /^[A-Z]{3}$/, 'an ISO 4217 code such as EUR', 'EUR');
  const token = reader.matching('EXTENSION_AUTH_TOKEN', TOKEN_PATTERN, '16 to 512 printable characters without spaces');
  reader.done();
  return { rule: { sku, quantity, minCentAmount, currencyCode }, authHeaderValue: authorizationHeaderValue(token) };
}
