import { Env, EnvReader } from './env';

/** Credentials and location of the commercetools project (global connector configuration). */
export interface CtpConfig {
  projectKey: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  region: string;
}

// A region is a host label such as `europe-west1.gcp`; anything else could
// redirect the credentials to a foreign host.
const REGION_PATTERN = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

export function loadCtpConfig(env: Env): CtpConfig {
  const reader = new EnvReader(env);
  const config: CtpConfig = {
    projectKey: reader.matching('CTP_PROJECT_KEY', /^[A-Za-z0-9_-]{2,256}$/, 'a commercetools project key'),
    clientId: reader.string('CTP_CLIENT_ID'),
    clientSecret: reader.string('CTP_CLIENT_SECRET'),
    scopes: reader.string('CTP_SCOPE').split(/\s+/).filter((scope) => scope.length > 0),
    // No fallback region in code: Connect applies the default declared in connect.yaml.
    region: reader.matching('CTP_REGION', REGION_PATTERN, 'a region such as europe-west1.gcp'),
  };
  reader.done();
  return config;
}

export function apiUrl(region: string): string {
  return `https://api.${region}.commercetools.com`;
}

export function authUrl(region: string): string {
  return `https://auth.${region}.commercetools.com`;
}
