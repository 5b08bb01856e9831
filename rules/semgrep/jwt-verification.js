'use strict';
const jwt = require('jsonwebtoken');

function check(token, key) {
  // ruleid: jwt-none-algorithm
  const claims = jwt.verify(token, key, { algorithms: ['RS256', 'none'] });
  // ruleid: jwt-none-algorithm
  const unsigned = jwt.sign({ sub: 'x' }, '', { algorithm: 'none' });
  // ok: jwt-none-algorithm
  const pinned = jwt.verify(token, key, { algorithms: ['RS256'] });
  return [claims, unsigned, pinned];
}

function authorize(token) {
  // ruleid: jwt-verification-disabled
  const claims = jwt.verify(token, '');
  const decoded = jwt.decode(token);
  // ruleid: jwt-verification-disabled
  if (decoded.role === 'admin') {
    return true;
  }
  return claims;
}

function routed(token, key) {
  const decoded = jwt.decode(token);
  // ok: jwt-verification-disabled
  const verified = jwt.verify(token, key, { algorithms: ['RS256'] });
  // ok: jwt-verification-disabled
  if (verified.role === 'admin') {
    return decoded.kid;
  }
  return null;
}

module.exports = { check, authorize, routed };

// decode() of other libraries is no JWT; an expiry check on the app's own token is no authorization;
// the "algorithm" of a compression or a hash is no signing algorithm
function notJwt(buffer, cachedToken, payload) {
  const text = new TextDecoder('utf-8');
  // ok: jwt-verification-disabled
  if (text.decode(buffer).scope === 'admin') {
    return true;
  }
  const own = jwt.decode(cachedToken);
  // ok: jwt-verification-disabled
  if (own.exp * 1000 < Date.now()) {
    return false;
  }
  // ok: jwt-none-algorithm
  const archive = compress(payload, { algorithm: 'none', level: 0 });
  // ruleid: jwt-none-algorithm
  const unsigned = jwt.sign(payload, '', { algorithm: 'none' });
  // ruleid: jwt-verification-disabled
  if (jwt.decode(cachedToken).scope === 'admin') {
    return true;
  }
  return [archive, unsigned];
}
