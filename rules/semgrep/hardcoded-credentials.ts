// ruleid: hardcoded-credential
const clientSecret = 'q8Jd0bK2mZ7xP4vL9sT3nR6wY1cF5hA0';
// ruleid: hardcoded-credential
const pspClientSecret = 'q8Xr2vT9pL4mN7bK1sD6fG3hJ0wZ5yCe';
// ruleid: hardcoded-credential
let apiKey: string = "AKd83jdUe92kdPq0";
class Client {
  // ruleid: hardcoded-credential
  private readonly password: string = 'hunter2hunter22';
}
const config = {
  projectKey: 'my-shop',
  // ruleid: hardcoded-credential
  clientSecret: 'Zx9-ab_CDef0193856742kqwEFGH',
  // ruleid: hardcoded-credential
  'client_secret': 'Zx9-ab_CDef0193856742kqwEFGH',
};
// ruleid: hardcoded-credential
const secret = process.env.CTP_CLIENT_SECRET || 'k3yFallback2024!';
// ruleid: hardcoded-credential
const { EXTENSION_AUTH_TOKEN = 'O0N0Grx6Tmq8SKwF' } = process.env;
// ruleid: hardcoded-credential
settings.authToken = "tok_8f7d6s5a4d3f2g1h";
// ruleid: hardcoded-credential
const webhookSecret = `kP3vX9qL2mW7tR4z`;

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

// Identifiers, field names, enum members and labels that merely contain a secret's word: the value is a
// name, not a credential
enum Fields {
  // ok: hardcoded-credential
  Password = 'Password',
  // ok: hardcoded-credential
  ApiKey = 'api_key',
}
// ok: hardcoded-credential
const INSTABOX_TOKEN = 'instaboxToken';
// ok: hardcoded-credential
const INGRID_CUSTOM_FIELD_INSTABOX_TOKEN = 'ingridInstaboxToken';
// ok: hardcoded-credential
export const API_KEY_HEADER = 'x-api-key';
// ok: hardcoded-credential
const passwordInput = { name: 'password', type: 'password', label: 'Password' };
const messages = {
  // ok: hardcoded-credential
  password: 'Passwort',
  // ok: hardcoded-credential
  confirmPassword: 'Confirm your password',
  // ok: hardcoded-credential
  'fields.apiKey': 'API key',
};
const mockConfig = {
  // ok: hardcoded-credential
  pspApiKey: 'pspApiKey',
  // ok: hardcoded-credential
  webhookSigningSecret: 'webhookSigningSecret',
  // ok: hardcoded-credential
  clientSecret: 'clientSecret2',
  // ok: hardcoded-credential
  accessToken: 'vault-token-123',
  // ok: hardcoded-credential
  refreshToken: '1234567890',
  // ok: hardcoded-credential
  authToken: '[token]',
  // ok: hardcoded-credential
  apiSecret: '{{API_SECRET}}',
  // ok: hardcoded-credential
  password: '********',
  // ok: hardcoded-credential
  privateKey: 'your-private-key',
  // ok: hardcoded-credential
  secret: 'dummy-secret-value',
};
// payment tokens and page cursors are references, not credentials
// ok: hardcoded-credential
const payment = { cardToken: 'c7Hq2LmX9vR4tW1z', vault_token: 'vt8Kd2Lq0Zp5Xr3N', nextPageToken: 'p4Ge9TqW2sLk7Vb1' };
// ... and their positive twins: the same names with values that look like credentials
const liveConfig = {
  // ruleid: hardcoded-credential
  pspApiKey: 'g2WkXX9HDZFTs6Qiudx5ohNL14pX1WM2',
  // ruleid: hardcoded-credential
  webhookSigningSecret: 'whsec_KKT818b8xPqr7LRIK06KjZsiKZeXAjO0',
  // ruleid: hardcoded-credential
  accessToken: 'y2iHdqushM0kgdOAlNyN0coTjUw4',
  // ruleid: hardcoded-credential
  password: 'P4ssw0rd!2024',
};
// ruleid: hardcoded-credential
const INSTABOX_API_TOKEN = 'YTDunNbCn1EZmZKGD1OP';

import { ClientBuilder } from '@commercetools/ts-client';
const builder = new ClientBuilder()
  .withClientCredentialsFlow({
    host: authHost,
    projectKey,
    // ruleid: hardcoded-credential, hardcoded-ctp-client-secret
    credentials: { clientId: 'aBcDeFgHiJkLmNoPqRsTuVwX', clientSecret: 'WEGi5SAkcQIDqhrgDoS5V0CZ1gYZqcJV' },
  });
const templated = new ClientBuilder()
  // ok: hardcoded-credential, hardcoded-ctp-client-secret
  .withClientCredentialsFlow({ host: authHost, projectKey, credentials: { clientId, clientSecret: `${vault}Zx9abCDef0123` } });
const other = new ClientBuilder()
  // ok: hardcoded-ctp-client-secret
  .withClientCredentialsFlow({ host: authHost, projectKey, credentials: { clientId, clientSecret: process.env.CTP_CLIENT_SECRET } });
// ok: hardcoded-ctp-client-secret
process.env.CTP_CLIENT_SECRET = '12345678901234567890123456789012';
// ruleid: hardcoded-credential, hardcoded-ctp-client-secret
process.env.CTP_CLIENT_SECRET = 'wV8rK2dQ9xL4mZ7pN1sT6yB3hG0fJ5cA';

// ruleid: hardcoded-authorization-header
const headers = { Authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1lMTIz' };
// ruleid: hardcoded-authorization-header
const basic = Buffer.from('client-id:Zx9abCDef0193856').toString('base64');
// ok: hardcoded-authorization-header
const dynamic = { Authorization: `Bearer ${process.env.EXTENSION_AUTH_TOKEN}` };
// ok: hardcoded-authorization-header
const scheme = 'Bearer';
// placeholder credentials, in clear or base64-encoded ("Aladdin:open sesame", "test-client-id:test-client-secret")
// ok: hardcoded-authorization-header
const rfcExample = { Authorization: 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==' };
// ok: hardcoded-authorization-header
const testHeader = { Authorization: 'Basic dGVzdC1jbGllbnQtaWQ6dGVzdC1jbGllbnQtc2VjcmV0' };
// ok: hardcoded-authorization-header
const invalidBearer = { Authorization: 'Bearer invalid.token.value' };
// ok: hardcoded-authorization-header
const wrongCredentials = Buffer.from('wrong-id:wrong-secret').toString('base64');

// Sample values in comments and documentation blocks are not code:
// ok: hardcoded-credential
// const clientSecret = 'q8Jd0bK2mZ7xP4vL9sT3nR6wY1cF5hA0';
/**
 * Example: { Authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1lMTIz' }
 */
// ok: hardcoded-authorization-header
const documentedElsewhere = true;
