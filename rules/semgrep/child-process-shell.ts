import { exec, execFile } from 'node:child_process';
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
