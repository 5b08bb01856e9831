import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyNotification } from '../src/notification';
import { notification, PRODUCT_ID } from './helpers/fixtures';

describe('classifyNotification', () => {
  it('recognises ProductCreated messages', () => {
    assert.deepEqual(classifyNotification(notification(), 'cert-project'), {
      kind: 'product-created',
      productId: PRODUCT_ID,
      sequenceNumber: 1,
    });
  });

  it('ignores the ResourceCreated test notification', () => {
    const test = { notificationType: 'ResourceCreated', projectKey: 'cert-project', resource: { typeId: 'subscription', id: 'x' }, version: 1 };
    assert.equal(classifyNotification(test, 'cert-project').kind, 'ignored');
  });

  it('ignores other message types and other projects', () => {
    assert.equal(classifyNotification(notification({ type: 'OrderCreated' }), 'cert-project').kind, 'ignored');
    assert.equal(classifyNotification(notification(), 'another-project').kind, 'ignored');
  });

  it('ignores a ProductCreated without a usable product reference', () => {
    for (const resource of [undefined, { typeId: 'order', id: PRODUCT_ID }, { typeId: 'product' }, { typeId: 'product', id: '../../carts' }]) {
      assert.equal(classifyNotification(notification({ resource }), 'cert-project').kind, 'ignored');
    }
  });
});
