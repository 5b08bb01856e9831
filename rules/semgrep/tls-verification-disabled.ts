import { Agent } from 'undici';

export function insecure(): Agent {
  // ruleid: tls-verification-disabled
  return new Agent({ connect: { rejectUnauthorized: false } });
}

export function secure(): Agent {
  // ok: tls-verification-disabled
  return new Agent({ connect: { timeout: 1000 } });
}
