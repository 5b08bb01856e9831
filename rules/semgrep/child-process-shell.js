'use strict';
const cp = require('child_process');
const { execSync, spawn } = require('node:child_process');

function archive(req) {
  const name = req.body.name;
  // ruleid: child-process-shell-injection
  cp.exec(`tar czf /tmp/${name}.tgz data`, () => {});
  // ruleid: child-process-shell-injection
  execSync('convert ' + name);
  // ruleid: child-process-shell-injection
  spawn(`ls ${name}`, { shell: true });
  // ruleid: child-process-shell-injection
  spawn('ls', ['-l', name], { shell: true });
  // ruleid: child-process-shell-injection
  require('child_process').exec(name);
}

function safe(req) {
  // ok: child-process-shell-injection
  cp.exec('git --version', () => {});
  // ok: child-process-shell-injection
  spawn('ls', ['-l', req.body.name]);
  // ok: child-process-shell-injection
  spawn('ls', ['-l', req.body.name], { shell: false });
  // ok: child-process-shell-injection
  spawn('ls', ['-l', '/tmp'], { shell: true });
  // ok: child-process-shell-injection
  execSync('npm --version');
  // ok: child-process-shell-injection
  /^a/.exec(req.body.name);
}

module.exports = { archive, safe };
