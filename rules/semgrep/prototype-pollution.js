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
