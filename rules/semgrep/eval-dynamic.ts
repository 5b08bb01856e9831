import { runInNewContext } from 'node:vm';

export function evaluate(rule: string, cart: object): unknown {
  // ruleid: eval-dynamic
  return runInNewContext(rule, { cart });
}

export function safe(cart: object): unknown {
  // ok: eval-dynamic
  return runInNewContext('cart.total > 100', { cart });
}
