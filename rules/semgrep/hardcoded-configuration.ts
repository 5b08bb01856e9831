import { ClientBuilder } from '@commercetools/ts-client';
import { z } from 'zod';

// ruleid: hardcoded-ctp-host
const authHost = 'https://auth.europe-west1.gcp.commercetools.com';
// ruleid: hardcoded-ctp-host
const apiHost = "https://api.us-central1.gcp.commercetools.com/";
// ok: hardcoded-ctp-host
const fromRegion = `https://api.${process.env.CTP_REGION}.commercetools.com`;
// ok: hardcoded-ctp-host
const docs = 'https://docs.commercetools.com/connect';

// a chained call is reported where the chain starts
// ruleid: hardcoded-ctp-project-key
const client = new ClientBuilder()
  .withProjectKey('my-shop-prod')
  .build();
// ok: hardcoded-ctp-project-key
const fromEnv = process.env.CTP_PROJECT_KEY;
// ok: hardcoded-ctp-project-key
const api = createApiBuilderFromCtpClient(client).withProjectKey({ projectKey: fromEnv });
// ok: hardcoded-ctp-project-key
const documented = createApiBuilderFromCtpClient(client).withProjectKey({ projectKey: '<your-project-key>' });

// Defaults of configuration values: used only when the value is not configured
const config = {
  // ruleid: ctp-configuration-fallback
  projectKey: process.env.CTP_PROJECT_KEY || 'my-shop-prod',
  // ok: ctp-configuration-fallback, hardcoded-ctp-project-key
  fallbackName: process.env.CTP_PROJECT_KEY || 'projectKey',
  // not hardcoded-ctp-host: the configured value wins
  // ruleid: ctp-configuration-fallback
  authUrl: process.env.CTP_AUTH_URL || 'https://auth.europe-west1.gcp.commercetools.com',
  // ruleid: ctp-configuration-fallback
  apiUrl: process.env.CTP_API_URL ?? 'https://api.europe-west1.gcp.commercetools.com',
};
const schema = z.object({
  // not hardcoded-ctp-host: the configured value wins
  // ruleid: ctp-configuration-fallback
  CTP_SESSION_URL: z.string().url().default('https://session.europe-west1.gcp.commercetools.com'),
});
// ok: ctp-configuration-fallback
const configured = process.env.CTP_API_URL || `https://api.${process.env.CTP_REGION}.commercetools.com`;

export { authHost, apiHost, fromRegion, docs, api, documented, config, schema, configured };
