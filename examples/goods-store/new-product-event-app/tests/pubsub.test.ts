import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../src/lib/http-app';
import { parseEnvelope } from '../src/pubsub';
import { envelope, notification } from './helpers/fixtures';

describe('parseEnvelope', () => {
  it('decodes the base64 JSON notification in message.data', () => {
    const delivery = parseEnvelope(envelope(notification()));
    assert.deepEqual(delivery, { kind: 'decoded', messageId: '7000000000000001', notification: notification() });
  });

  it('decodes the sample envelope from the platform documentation', () => {
    const documented = {
      notificationType: 'Message',
      projectKey: 'cert-project',
      id: '8c1f2a8e-0000-4000-8000-000000000001',
      version: 1,
      sequenceNumber: 1,
      resource: { typeId: 'order', id: '5b7d0c3e-0000-4000-8000-00000000000a' },
      resourceVersion: 1,
      type: 'OrderCreated',
      createdAt: '2026-01-15T10:00:00.000Z',
      lastModifiedAt: '2026-01-15T10:00:00.000Z',
    };
    const data = Buffer.from(JSON.stringify(documented)).toString('base64');
    const delivery = parseEnvelope({ message: { data, messageId: '1' } });
    assert.equal(delivery.kind, 'decoded');
    assert.ok(delivery.kind === 'decoded');
    assert.equal(delivery.notification.type, 'OrderCreated');
    assert.deepEqual(delivery.notification.resource, { typeId: 'order', id: '5b7d0c3e-0000-4000-8000-00000000000a' });
  });

  it('rejects a body that is not a push envelope with 400', () => {
    for (const body of [undefined, null, 'text', [], {}, { message: 'x' }, { subscription: 's' }]) {
      assert.throws(
        () => parseEnvelope(body),
        (err: unknown) => err instanceof HttpError && err.status === 400 && err.code === 'InvalidInput',
      );
    }
  });

  it('marks data that cannot be decoded instead of failing', () => {
    const reasons = [
      { message: { messageId: 'm' } },
      { message: { data: '***', messageId: 'm' } },
      { message: { data: Buffer.from('not json').toString('base64') } },
      { message: { data: Buffer.from('[1,2]').toString('base64') } },
    ].map((body) => {
      const delivery = parseEnvelope(body);
      assert.equal(delivery.kind, 'undecodable');
      return delivery.kind === 'undecodable' ? delivery.reason : '';
    });
    assert.deepEqual(reasons, [
      'message.data is missing',
      'message.data is not base64',
      'message.data is not JSON',
      'message.data is not a JSON object',
    ]);
  });
});
