import { createApiRoot } from '../lib/ctp-client';
import { loadCtpConfig } from '../lib/ctp-config';
import { createLogger } from '../lib/logger';
import { runScript } from '../lib/script';
import { removeSubscription, SUBSCRIPTION_KEY } from './subscription';

const logger = createLogger({ app: 'new-product-event-app', script: 'pre-undeploy' });

// The New Arrivals category is kept on purpose: merchants may have put it in
// navigation or assigned products by hand; see README "Uninstalling".
void runScript('pre-undeploy', logger, async () => {
  const apiRoot = createApiRoot(loadCtpConfig(process.env), { timeoutMs: 10000, maxRetries: 2 });
  await removeSubscription(apiRoot, SUBSCRIPTION_KEY, logger);
});
