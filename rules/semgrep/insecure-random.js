'use strict';

// ruleid: insecure-random-token
const resetToken = Math.random().toString(36).slice(2);
// ruleid: insecure-random-token
const event = { eventId: Math.floor(Math.random() * 1e9), type: 'created' };
// ruleid: insecure-random-token
function newSessionId() {
  return 'sess-' + Math.random().toString(16).slice(2);
}
// ruleid: insecure-random-token
const makeNonce = () => Math.random().toString(36);

// ok: insecure-random-token
const isValid = Math.random() > 0.5;
// ok: insecure-random-token
const jitterMs = Math.random() * 100;
// ok: insecure-random-token
const sampled = { fraction: Math.random() };
// ok: insecure-random-token
const requestId = require('node:crypto').randomUUID();
module.exports = { resetToken, event, isValid, newSessionId, makeNonce, jitterMs, sampled, requestId };

// names where guessing does not matter: React list keys, tracing ids, cache keys
// ok: insecure-random-token
const row = { key: Math.random(), label: 'first' };
// ok: insecure-random-token
const traceId = Math.random().toString(16).slice(2);
// ok: insecure-random-token
const cacheKey = `cart-${Math.random()}`;
// ruleid: insecure-random-token
const csrfToken = Math.random().toString(36).slice(2);
module.exports.more = { row, traceId, cacheKey, csrfToken };
