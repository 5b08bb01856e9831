'use strict';
const vm = require('node:vm');

function run(req) {
  const expression = req.body.expression;
  // ruleid: eval-dynamic
  const value = eval(expression);
  // ruleid: eval-dynamic
  const fn = new Function('cart', req.body.code);
  // ruleid: eval-dynamic
  vm.runInNewContext(`total = ${expression}`, {});
  // ruleid: eval-dynamic
  const script = new vm.Script(expression);
  // ruleid: eval-dynamic
  setTimeout('refresh(' + expression + ')', 10);
  return [value, fn, script];
}

function constants() {
  // ok: eval-dynamic
  const two = eval('1 + 1');
  // ok: eval-dynamic
  const add = new Function('a', 'b', 'return a + b');
  // ok: eval-dynamic
  vm.runInNewContext(`1 + 1`, {});
  // ok: eval-dynamic
  setTimeout(() => constants(), 10);
  // ok: eval-dynamic
  const parsed = JSON.parse(two);
  return [two, add, parsed];
}

module.exports = { run, constants };

// a Script or runInContext of another library is not the vm module
const { Script } = require('./campaign-model');
function campaign(req, sandbox) {
  // ok: eval-dynamic
  const script = new Script(req.body.name, { steps: [] });
  // ok: eval-dynamic
  sandbox.runInContext(req.body.step);
  return script;
}
