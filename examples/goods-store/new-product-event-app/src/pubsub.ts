import { HttpError } from './lib/http-app';

/** A Pub/Sub push delivery, reduced to what the app uses. */
export type Delivery =
  | { kind: 'decoded'; messageId?: string; notification: Record<string, unknown> }
  | { kind: 'undecodable'; messageId?: string; reason: string };

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a push envelope `{message: {data: base64(JSON), messageId, ...}, subscription}`.
 * A body that is not an envelope is a 400. A message whose data cannot be
 * decoded is returned as `undecodable`: redelivering it would never help.
 */
export function parseEnvelope(body: unknown): Delivery {
  if (!isObject(body) || !isObject(body.message)) {
    throw new HttpError(400, 'InvalidInput', 'Expected a Pub/Sub push envelope with a "message" object');
  }
  const { data, messageId } = body.message;
  const id = typeof messageId === 'string' ? messageId : undefined;
  if (typeof data !== 'string' || data.length === 0) {
    return { kind: 'undecodable', messageId: id, reason: 'message.data is missing' };
  }
  if (!BASE64.test(data)) {
    return { kind: 'undecodable', messageId: id, reason: 'message.data is not base64' };
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return { kind: 'undecodable', messageId: id, reason: 'message.data is not JSON' };
  }
  if (!isObject(decoded)) {
    return { kind: 'undecodable', messageId: id, reason: 'message.data is not a JSON object' };
  }
  return { kind: 'decoded', messageId: id, notification: decoded };
}
