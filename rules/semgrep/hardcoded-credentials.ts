// ruleid: hardcoded-credential
const clientSecret = 'q8Jd0bK2mZ7xP4vL9sT3nR6wY1cF5hA0';
// ruleid: hardcoded-credential
let apiKey: string = "AKd83jdUe92kdPq0";
class Client {
  // ruleid: hardcoded-credential
  private readonly password: string = 'hunter2hunter22';
}
const config = {
  projectKey: 'my-shop',
  // ruleid: hardcoded-credential
  clientSecret: 'Zx9-ab_CDef0123456789abcdEFGH',
  // ruleid: hardcoded-credential
  'client_secret': 'Zx9-ab_CDef0123456789abcdEFGH',
};
// ruleid: hardcoded-credential
const secret = process.env.CTP_CLIENT_SECRET || 'k3yFallback2024!';
// ruleid: hardcoded-credential
const { EXTENSION_AUTH_TOKEN = 'AbCdEf0123456789' } = process.env;
// ruleid: hardcoded-credential
settings.authToken = "tok_8f7d6s5a4d3f2g1h";

// ok: hardcoded-credential
const fromEnv = process.env.CTP_CLIENT_SECRET;
// ok: hardcoded-credential
const secretName = 'CTP_CLIENT_SECRET';
// ok: hardcoded-credential
const CLIENT_SECRET_KEY = 'CTP_CLIENT_SECRET';
// ok: hardcoded-credential
const tokenUrl = 'https://auth.europe-west1.gcp.commercetools.com/oauth/token';
// ok: hardcoded-credential
const token = '/oauth/token';
// ok: hardcoded-credential
const password = 'changeme';
// ok: hardcoded-credential
const testSecret = 'test-client-secret-123';
// ok: hardcoded-credential
const headerToken = 'X-Auth-Token';
// ok: hardcoded-credential
const token2 = `Bearer ${fromEnv}`;
// ok: hardcoded-credential
const apiToken = `tok_${tenantId}_live2024`;
// ok: hardcoded-credential
const joinedSecret = 'k3yFallback' + suffix + '2024';
// ok: hardcoded-credential
const emptySecret = '';
// ok: hardcoded-credential
const secretMessage = 'the secret is not set';
// ok: hardcoded-credential
const placeholder = { clientSecret: '<your-client-secret>' };

import { ClientBuilder } from '@commercetools/ts-client';
const builder = new ClientBuilder()
  .withClientCredentialsFlow({
    host: authHost,
    projectKey,
    // ruleid: hardcoded-credential, hardcoded-ctp-client-secret
    credentials: { clientId: 'aBcDeFgHiJkLmNoPqRsTuVwX', clientSecret: 'zYxWvUtSrQpOnMlKjIhGfEdCbA012345' },
  });
const templated = new ClientBuilder()
  // ok: hardcoded-credential, hardcoded-ctp-client-secret
  .withClientCredentialsFlow({ host: authHost, projectKey, credentials: { clientId, clientSecret: `${vault}Zx9abCDef0123` } });
const other = new ClientBuilder()
  // ok: hardcoded-ctp-client-secret
  .withClientCredentialsFlow({ host: authHost, projectKey, credentials: { clientId, clientSecret: process.env.CTP_CLIENT_SECRET } });

// ruleid: hardcoded-authorization-header
const headers = { Authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1lMTIz' };
// ruleid: hardcoded-authorization-header
const basic = Buffer.from('client-id:Zx9abCDef0123456').toString('base64');
// ok: hardcoded-authorization-header
const dynamic = { Authorization: `Bearer ${process.env.EXTENSION_AUTH_TOKEN}` };
// ok: hardcoded-authorization-header
const scheme = 'Bearer';
