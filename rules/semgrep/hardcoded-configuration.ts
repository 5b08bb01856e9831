import { ClientBuilder } from '@commercetools/ts-client';

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
// ruleid: hardcoded-ctp-project-key
const projectKey = process.env.CTP_PROJECT_KEY || 'my-shop-prod';
// ok: hardcoded-ctp-project-key
const fromEnv = process.env.CTP_PROJECT_KEY;
// ok: hardcoded-ctp-project-key
const api = createApiBuilderFromCtpClient(client).withProjectKey({ projectKey: fromEnv });

export { authHost, apiHost, fromRegion, docs, projectKey, api };
