import { loadEventConfig } from '../config';
import { createApiRoot } from '../lib/ctp-client';
import { loadCtpConfig } from '../lib/ctp-config';
import { createLogger } from '../lib/logger';
import { runScript } from '../lib/script';
import { ensureCategory } from './category';
import { destinationFrom, ensureSubscription, subscriptionDraft } from './subscription';

const logger = createLogger({ app: 'new-product-event-app', script: 'post-deploy' });

void runScript('post-deploy', logger, async () => {
  const { categoryKey } = loadEventConfig(process.env);
  const destination = destinationFrom(process.env);
  const apiRoot = createApiRoot(loadCtpConfig(process.env), { timeoutMs: 10000, maxRetries: 2 });
  // The category first: the subscription starts deliveries that need it.
  await ensureCategory(apiRoot, categoryKey, logger);
  await ensureSubscription(apiRoot, subscriptionDraft(destination), logger);
});
