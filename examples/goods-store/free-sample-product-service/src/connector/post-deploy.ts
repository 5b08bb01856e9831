import { loadServiceConfig } from '../config';
import { createApiRoot } from '../lib/ctp-client';
import { loadCtpConfig } from '../lib/ctp-config';
import { createLogger } from '../lib/logger';
import { runScript } from '../lib/script';
import { checkSampleSku, ensureExtension, extensionDraft, serviceUrlFrom } from './extension';

const logger = createLogger({ app: 'free-sample-product-service', script: 'post-deploy' });

void runScript('post-deploy', logger, async () => {
  const config = loadServiceConfig(process.env);
  const apiRoot = createApiRoot(loadCtpConfig(process.env), { timeoutMs: 10000, maxRetries: 2 });
  const draft = extensionDraft(serviceUrlFrom(process.env.CONNECT_SERVICE_URL), config.authHeaderValue);
  await ensureExtension(apiRoot, draft, logger);
  await checkSampleSku(apiRoot, config.rule.sku, logger);
});
