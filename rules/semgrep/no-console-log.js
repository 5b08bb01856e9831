// ruleid: no-console-log
console.log('started');
function f(x) {
  // ruleid: no-console-log
  console.log(`value ${x}`);
}
// ruleid: no-console-log
const print = console.log;
// ok: no-console-log
console.error('failed');
// ok: no-console-log
logger.info('started');
// ok: no-console-log
console.info('started');
