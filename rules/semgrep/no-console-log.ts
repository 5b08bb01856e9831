export function handle(x: number): void {
  // ruleid: no-console-log
  console.log('x', x);
  // ok: no-console-log
  console.warn('x', x);
}
