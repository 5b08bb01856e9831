import { exec, execFile, execSync, spawn } from 'node:child_process';
import * as childProcess from 'child_process';

export function render(input: string): void {
  // ruleid: child-process-shell-injection
  exec(`pandoc ${input}`);
  // ruleid: child-process-shell-injection
  childProcess.execSync(input);
  // ruleid: child-process-shell-injection
  execFile(input, [], { shell: '/bin/sh' });
  // ok: child-process-shell-injection
  execFile('pandoc', [input]);
  // ok: child-process-shell-injection
  exec('pandoc --version');
}

// a command held in a constant, and a shell that only Windows gets (npm is npm.cmd there)
export function build(script: string): void {
  const versionCommand = 'git rev-parse HEAD';
  // ok: child-process-shell-injection
  execSync(versionCommand);
  // ok: child-process-shell-injection
  spawn('npm', ['run', script], { shell: process.platform === 'win32', stdio: 'inherit' });
  // ruleid: child-process-shell-injection
  spawn('npm', ['run', script], { shell: true, stdio: 'inherit' });
}
