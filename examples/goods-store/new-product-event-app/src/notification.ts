/** What a commercetools notification means for this app. */
export type Classified =
  | { kind: 'product-created'; productId: string; sequenceNumber?: number }
  | { kind: 'ignored'; reason: string };

// Resource ids are UUIDs; anything else must not reach a request path.
const RESOURCE_ID = /^[A-Za-z0-9-]{1,64}$/;

export function classifyNotification(notification: Record<string, unknown>, projectKey: string): Classified {
  const { notificationType, type, resource, projectKey: source } = notification;
  if (notificationType !== 'Message') {
    // Includes the ResourceCreated test notification sent when the subscription is created.
    return { kind: 'ignored', reason: `notificationType ${String(notificationType)}` };
  }
  if (typeof source === 'string' && source !== projectKey) {
    return { kind: 'ignored', reason: 'message from another project' };
  }
  if (type !== 'ProductCreated') {
    return { kind: 'ignored', reason: `message type ${String(type)}` };
  }
  const ref = typeof resource === 'object' && resource !== null ? (resource as Record<string, unknown>) : {};
  if (ref.typeId !== 'product' || typeof ref.id !== 'string' || !RESOURCE_ID.test(ref.id)) {
    return { kind: 'ignored', reason: 'ProductCreated without a valid product reference' };
  }
  const sequenceNumber = typeof notification.sequenceNumber === 'number' ? notification.sequenceNumber : undefined;
  return { kind: 'product-created', productId: ref.id, sequenceNumber };
}
