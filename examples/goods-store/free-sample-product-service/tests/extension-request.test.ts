import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExtensionRequest } from '../src/extension-request';
import { HttpError } from '../src/lib/http-app';
import { cartRequest } from './helpers/fixtures';

function rejects(body: unknown, fragment: string): void {
  assert.throws(
    () => parseExtensionRequest(body),
    (err: unknown) => err instanceof HttpError && err.status === 400 && err.code === 'InvalidInput' && err.message.includes(fragment),
  );
}

describe('parseExtensionRequest', () => {
  it('reads the cart fields the rule needs', () => {
    const input = parseExtensionRequest(cartRequest());
    assert.equal(input.kind, 'cart');
    assert.ok(input.kind === 'cart');
    assert.equal(input.action, 'Update');
    assert.deepEqual(input.cart.totalPrice, { centAmount: 12000, currencyCode: 'EUR' });
    assert.deepEqual(input.cart.lineItems, [
      { id: 'li-1', sku: 'SHIRT-M', quantity: 2, priceMode: 'Platform', unitCentAmount: 6000, totalCentAmount: 12000 },
    ]);
  });

  it('reports other resource types without failing', () => {
    assert.deepEqual(parseExtensionRequest({ action: 'Create', resource: { typeId: 'order', obj: {} } }), {
      kind: 'other',
      typeId: 'order',
    });
  });

  it('rejects malformed requests with InvalidInput', () => {
    rejects(null, 'request body');
    rejects([], 'request body');
    rejects({}, 'action');
    rejects({ action: 'Delete', resource: {} }, 'action');
    rejects({ action: 'Create' }, 'resource');
    rejects({ action: 'Create', resource: { obj: {} } }, 'resource.typeId');
    rejects({ action: 'Create', resource: { typeId: 'cart' } }, 'resource.obj');
    rejects(cartRequest({ totalPrice: undefined }), 'totalPrice');
    rejects(cartRequest({ totalPrice: { currencyCode: 'EUR', centAmount: '12' } }), 'centAmount');
    rejects(cartRequest({ totalPrice: { currencyCode: 'euro', centAmount: 1 } }), 'currencyCode');
    rejects(cartRequest({ lineItems: 'none' }), 'lineItems');
    rejects(cartRequest({ lineItems: [{ quantity: 1 }] }), 'lineItems.0.id');
    rejects(cartRequest({ lineItems: [{ id: 'x', quantity: 1.5 }] }), 'lineItems.0.quantity');
  });
});
