import { randomBytes } from 'node:crypto';
import type { CtpConfig } from '../../src/lib/ctp-config';

/** A random value, so that no credential-like literal lives in the tests. */
export function randomSecret(): string {
  return randomBytes(16).toString('hex');
}

export function testCtpConfig(overrides: Partial<CtpConfig> = {}): CtpConfig {
  return { projectKey: 'shop', clientId: 'test-client', clientSecret: randomSecret(), scopes: [], region: 'europe-west1.gcp', ...overrides };
}
