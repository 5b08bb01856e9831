import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CartSnapshot, LineItemSnapshot } from '../src/extension-request';
import { eligibility, merchandiseTotal, planSampleActions, SampleRule } from '../src/free-sample';

const rule: SampleRule = { sku: 'SAMPLE-1', quantity: 1, minCentAmount: 10000, currencyCode: 'EUR' };

function bought(id: string, totalCentAmount: number, sku = 'SHIRT-M'): LineItemSnapshot {
  return { id, sku, quantity: 1, priceMode: 'Platform', unitCentAmount: totalCentAmount, totalCentAmount };
}

function sample(id: string, quantity = 1): LineItemSnapshot {
  return { id, sku: 'SAMPLE-1', quantity, priceMode: 'ExternalPrice', unitCentAmount: 0, totalCentAmount: 0 };
}

function cart(lineItems: LineItemSnapshot[], currencyCode = 'EUR', cartState = 'Active'): CartSnapshot {
  const centAmount = lineItems.reduce((sum, item) => sum + item.totalCentAmount, 0);
  return { id: 'cart-1', cartState, totalPrice: { centAmount, currencyCode }, lineItems };
}

const ADD = { action: 'addLineItem', sku: 'SAMPLE-1', quantity: 1, externalPrice: { currencyCode: 'EUR', centAmount: 0 } };

describe('planSampleActions', () => {
  it('adds the sample at an external price of 0 when the total exceeds the threshold', () => {
    assert.deepEqual(planSampleActions(cart([bought('a', 10001)]), rule), [ADD]);
  });

  it('uses the configured quantity', () => {
    const actions = planSampleActions(cart([bought('a', 20000)]), { ...rule, quantity: 3 });
    assert.deepEqual(actions, [{ ...ADD, quantity: 3 }]);
  });

  it('adds nothing below the threshold', () => {
    assert.deepEqual(planSampleActions(cart([bought('a', 9999)]), rule), []);
  });

  it('adds nothing exactly at the threshold', () => {
    assert.deepEqual(planSampleActions(cart([bought('a', 10000)]), rule), []);
  });

  it('is idempotent: a cart that already holds the sample gets no actions', () => {
    assert.deepEqual(planSampleActions(cart([bought('a', 15000), sample('s')]), rule), []);
  });

  it('removes the sample when the total drops below the threshold', () => {
    assert.deepEqual(planSampleActions(cart([bought('a', 5000), sample('s')]), rule), [
      { action: 'removeLineItem', lineItemId: 's' },
    ]);
  });

  it('keeps the sample exactly at the threshold', () => {
    assert.deepEqual(planSampleActions(cart([bought('a', 10000), sample('s')]), rule), []);
  });

  it('does not count the sample toward the total', () => {
    const withPricedSample = cart([bought('a', 9500), { ...sample('s'), totalCentAmount: 1000 }]);
    assert.equal(merchandiseTotal(withPricedSample, rule), 9500);
    assert.deepEqual(planSampleActions(withPricedSample, rule), [{ action: 'removeLineItem', lineItemId: 's' }]);
  });

  it('ignores carts in another currency and removes a sample from them', () => {
    assert.equal(eligibility(cart([bought('a', 50000)], 'USD'), rule), 'not-eligible');
    assert.deepEqual(planSampleActions(cart([bought('a', 50000)], 'USD'), rule), []);
    assert.deepEqual(planSampleActions(cart([bought('a', 50000), sample('s')], 'USD'), rule), [
      { action: 'removeLineItem', lineItemId: 's' },
    ]);
  });

  it('does not add a sample when the same SKU was bought (the platform would merge and zero it)', () => {
    assert.deepEqual(planSampleActions(cart([bought('a', 50000, 'SAMPLE-1')]), rule), []);
  });

  it('treats a bought line of the sample SKU as merchandise, not as the sample', () => {
    const items = [bought('a', 50000, 'SAMPLE-1'), sample('s')];
    assert.equal(merchandiseTotal(cart(items), rule), 50000);
    assert.deepEqual(planSampleActions(cart(items), rule), []);
  });

  it('removes duplicate samples and keeps one', () => {
    assert.deepEqual(planSampleActions(cart([bought('a', 50000), sample('s1'), sample('s2')]), rule), [
      { action: 'removeLineItem', lineItemId: 's2' },
    ]);
  });

  it('resets a changed sample quantity', () => {
    assert.deepEqual(planSampleActions(cart([bought('a', 50000), sample('s', 4)]), rule), [
      { action: 'changeLineItemQuantity', lineItemId: 's', quantity: 1, externalPrice: { currencyCode: 'EUR', centAmount: 0 } },
    ]);
  });

  it('leaves carts that are no longer active alone', () => {
    assert.deepEqual(planSampleActions(cart([bought('a', 50000)], 'EUR', 'Ordered'), rule), []);
  });
});
