// Loaded into every connector process of a local preview through NODE_OPTIONS="--require <this file>".
// It gives unmodified connectors two things of the platform that one shared loopback host cannot:
// 1. API hosts. Connectors build them from CTP_REGION (https://api.<region>.commercetools.com,
//    https://auth.<region>.commercetools.com); exactly those hosts go to the loopback emulator named by
//    CT_EMULATOR_URL. Covered clients: global fetch (ts-client >= 2, undici) and https.request/https.get
//    (sdk-client-v2 with node-fetch, axios, got). Every other host is untouched.
// 2. The port. Connect runs every app with PORT=8080, so an app that listens on 8080 without reading PORT
//    (the starter kit's templates do) works there. A preview runs several apps side by side, each with its
//    own PORT: a listen on 8080 is moved to PORT. Any other port is left alone.
'use strict';
const http = require('node:http');
const https = require('node:https');

const target = new URL(process.env.CT_EMULATOR_URL || 'http://127.0.0.1:1');
const HOST_RE = /^(api|auth)\.[a-z0-9-]+(\.[a-z0-9-]+)*\.commercetools\.com$/i;

function rewriteUrl(href) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || !HOST_RE.test(url.hostname)) return null;
  url.protocol = target.protocol;
  url.hostname = target.hostname;
  url.port = target.port;
  return url.href;
}

const originalFetch = globalThis.fetch;
if (typeof originalFetch === 'function') {
  globalThis.fetch = function redirectedFetch(input, init) {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input && input.url;
    const next = href && rewriteUrl(href);
    if (!next) return originalFetch(input, init);
    if (typeof input === 'string' || input instanceof URL) return originalFetch(next, init);
    return originalFetch(new Request(next, input), init);
  };
}

function patch(name) {
  const original = https[name];
  https[name] = function redirected(...args) {
    // Signatures: (url[, options][, callback]) or (options[, callback]).
    const url = typeof args[0] === 'string' || args[0] instanceof URL ? new URL(String(args[0])) : null;
    const options = url ? (typeof args[1] === 'object' && args[1] !== null ? args[1] : {}) : args[0] || {};
    const host = url ? url.hostname : options.hostname || String(options.host || '').split(':')[0];
    if (!HOST_RE.test(host || '')) return original.apply(this, args);
    const callback = args.find((arg) => typeof arg === 'function');
    const merged = {
      ...(url ? { path: url.pathname + url.search, method: 'GET' } : {}),
      ...options,
      protocol: target.protocol,
      hostname: target.hostname,
      host: undefined,
      port: target.port,
      agent: undefined,
      servername: undefined,
      headers: { ...(options.headers || {}), host },
    };
    const request = http.request(merged, callback);
    if (name === 'get') request.end();
    return request;
  };
}
patch('request');
patch('get');

const PLATFORM_PORT = '8080';
const assignedPort = Number(process.env.PORT);

function isPlatformPort(value) {
  return (typeof value === 'number' || typeof value === 'string') && String(value).trim() === PLATFORM_PORT;
}

if (Number.isInteger(assignedPort) && assignedPort > 0 && String(assignedPort) !== PLATFORM_PORT) {
  const net = require('node:net');
  const originalListen = net.Server.prototype.listen;
  net.Server.prototype.listen = function listenOnAssignedPort(...args) {
    // Signatures: (port[, host][, backlog][, callback]), (options[, callback]), (path|handle[, callback]).
    if (isPlatformPort(args[0])) {
      args[0] = assignedPort;
    } else if (args[0] && typeof args[0] === 'object' && isPlatformPort(args[0].port)) {
      args[0] = { ...args[0], port: assignedPort };
    }
    return originalListen.apply(this, args);
  };
}
