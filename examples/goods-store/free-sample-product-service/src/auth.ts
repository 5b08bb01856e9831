import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The value commercetools sends in the Authorization header of every extension call. */
export function authorizationHeaderValue(token: string): string {
  return `Bearer ${token}`;
}

/** Constant-time comparison of the Authorization header with the expected value. */
export function isAuthorized(headers: IncomingHttpHeaders, expected: string): boolean {
  const received = headers.authorization;
  if (typeof received !== 'string' || received.length === 0) {
    return false;
  }
  // Hashing first gives equal lengths, as timingSafeEqual requires.
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(received), digest(expected));
}
