import { Agent } from 'undici';

export function insecure(): Agent {
  // ruleid: tls-verification-disabled
  return new Agent({ connect: { rejectUnauthorized: false } });
}

export function secure(): Agent {
  // ok: tls-verification-disabled
  return new Agent({ connect: { timeout: 1000 } });
}

// an opt-in for a developer's machine: reported with less confidence, by tls-verification-opt-in
export function devAgent(options: { ignoreSslErrors?: boolean }): Agent | undefined {
  if (options.ignoreSslErrors) {
    // not tls-verification-disabled: only when the caller asks for it
    // ruleid: tls-verification-opt-in
    return new Agent({ connect: { rejectUnauthorized: false } });
  }
  // ruleid: tls-verification-opt-in
  return process.env.ALLOW_INSECURE_TLS === 'true' ? new Agent({ connect: { rejectUnauthorized: false } }) : undefined;
}

export function secureToo(): Agent {
  // ok: tls-verification-opt-in
  return new Agent({ connect: { rejectUnauthorized: true } });
}
