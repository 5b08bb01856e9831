'use strict';
const axios = require('axios');
const https = require('node:https');

async function webhook(req, res) {
  const { callbackUrl } = req.body;
  // ruleid: ssrf-request-url
  await fetch(callbackUrl, { method: 'POST' });
  // ruleid: ssrf-request-url
  await axios.get(req.query.url);
  // ruleid: ssrf-request-url
  https.get({ hostname: req.body.host, path: '/' });
  // ruleid: ssrf-request-url
  await axios({ method: 'get', url: req.body.target });
  const target = req.headers['x-forward-to'];
  // ruleid: ssrf-request-url
  await fetch(target);
  // ruleid: ssrf-request-url
  await fetch(`https://${req.body.host}/api`);
  // ruleid: ssrf-request-url
  await fetch(`${req.body.base}/api`);
  // ruleid: ssrf-request-url
  await fetch(`https://api.example.com${req.body.suffix}`);
  // ruleid: ssrf-request-url
  await fetch(req.body.base + '/api');
  res.end();
}

async function safe(req, res, config) {
  // ok: ssrf-request-url
  await fetch(`${config.apiUrl}/carts/${encodeURIComponent(req.body.cartId)}`);
  // ok: ssrf-request-url
  await fetch(`https://api.europe-west1.gcp.commercetools.com/shop/carts/${req.params.id}`);
  // ok: ssrf-request-url
  await fetch(config.apiUrl);
  // ok: ssrf-request-url
  await fetch(`${config.apiUrl}/carts/${req.body.cartId}`);
  // ok: ssrf-request-url
  await fetch(config.apiUrl + '/carts/' + req.body.cartId);
  // ok: ssrf-request-url
  await axios.get('https://example.com/health');
  res.end();
}

module.exports = { webhook, safe };
