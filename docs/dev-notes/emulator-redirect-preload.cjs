// Preload (NODE_OPTIONS="--require /path/redirect.cjs"): send https://{api,auth}.<region>.commercetools.com
// to the local emulator. Covers global fetch (ts-client >= 2, undici) and https.request/get (node-fetch, axios, got).
'use strict';
const http = require('node:http');
const https = require('node:https');
const target = new URL(process.env.CT_EMULATOR_URL || 'http://127.0.0.1:18999');
const HOST_RE = /^(api|auth)\.[a-z0-9-]+(\.[a-z0-9-]+)*\.commercetools\.com$/i;

function rewriteUrl(href) {
  const url = new URL(href);
  if (url.protocol !== 'https:' || !HOST_RE.test(url.hostname)) return null;
  url.protocol = target.protocol; url.hostname = target.hostname; url.port = target.port;
  return url.href;
}

const origFetch = globalThis.fetch;
globalThis.fetch = function redirectedFetch(input, init) {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input && input.url;
  const next = href && rewriteUrl(href);
  if (!next) return origFetch(input, init);
  return typeof input === 'string' || input instanceof URL ? origFetch(next, init) : origFetch(new Request(next, input), init);
};

function patch(name) {
  const orig = https[name];
  https[name] = function redirected(...args) {
    // Signatures: (url[, options][, cb]) or (options[, cb]).
    let url = typeof args[0] === 'string' || args[0] instanceof URL ? new URL(String(args[0])) : null;
    let options = url ? (typeof args[1] === 'object' && args[1] !== null ? args[1] : {}) : (args[0] || {});
    const host = url ? url.hostname : (options.hostname || (options.host || '').split(':')[0]);
    if (!HOST_RE.test(host || '')) return orig.apply(this, args);
    const cb = args.find((a) => typeof a === 'function');
    const merged = {
      ...(url ? { path: url.pathname + url.search, method: 'GET' } : {}),
      ...options,
      protocol: 'http:', hostname: target.hostname, host: undefined, port: target.port,
      agent: undefined, servername: undefined,
      headers: { ...(options.headers || {}), host: host },
    };
    const req = http.request(merged, cb);
    if (name === 'get') req.end();
    return req;
  };
}
patch('request');
patch('get');
