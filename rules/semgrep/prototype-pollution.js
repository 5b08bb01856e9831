'use strict';
const _ = require('lodash');
const merge = require('lodash.merge');

const settings = {};

function update(req, res) {
  // ruleid: prototype-pollution-merge
  _.merge(settings, req.body);
  const patch = req.body.patch;
  // ruleid: prototype-pollution-merge
  merge(settings, { defaults: true }, patch);
  // ruleid: prototype-pollution-merge
  _.set(settings, req.query.path, 1);
  res.end();
}

function fromRaw(raw) {
  const parsed = JSON.parse(raw);
  // ruleid: prototype-pollution-merge
  _.defaultsDeep(settings, parsed);
}

function safe(req) {
  const { sku, quantity } = req.body;
  // ok: prototype-pollution-merge
  _.merge(settings, { sku: String(sku), quantity: Number(quantity) });
  // ok: prototype-pollution-merge
  _.merge(settings, { fixed: true });
  // ok: prototype-pollution-merge
  _.set(settings, 'limits.max', req.body.max);
}

module.exports = { update, fromRaw, safe };

// JSON the app reads from its own configuration is not a caller's
function configured(defaults) {
  const override = JSON.parse(process.env.CONFIG_OVERRIDE || '{}');
  // ok: prototype-pollution-merge
  return _.merge(defaults, override);
}

// an object whose `body` is no request body (an outgoing request built here)
function outgoing(defaults, payload) {
  const draft = { body: payload };
  // ok: prototype-pollution-merge
  return _.merge(defaults, draft.body);
}

// the Connect event envelope is request data, decoded or not
function onEvent(req, res) {
  const message = JSON.parse(Buffer.from(req.body.message.data, 'base64').toString());
  // ruleid: prototype-pollution-merge
  _.merge(settings, message.resource.obj);
  res.status(204).send();
}
