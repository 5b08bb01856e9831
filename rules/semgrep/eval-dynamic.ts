import { runInNewContext } from 'node:vm';

export function evaluate(rule: string, cart: object): unknown {
  // ruleid: eval-dynamic
  return runInNewContext(rule, { cart });
}

export function safe(cart: object): unknown {
  // ok: eval-dynamic
  return runInNewContext('cart.total > 100', { cart });
}

export function constantBody(a: number, b: number): unknown {
  const body = 'return a + b';
  // ok: eval-dynamic
  return new Function('a', 'b', body)(a, b);
}
