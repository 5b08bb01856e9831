import { createApiRoot } from '../lib/ctp-client';
import { loadCtpConfig } from '../lib/ctp-config';
import { createLogger } from '../lib/logger';
import { runScript } from '../lib/script';
import { EXTENSION_KEY, removeExtension } from './extension';

const logger = createLogger({ app: 'free-sample-product-service', script: 'pre-undeploy' });

void runScript('pre-undeploy', logger, async () => {
  const apiRoot = createApiRoot(loadCtpConfig(process.env), { timeoutMs: 10000, maxRetries: 2 });
  await removeExtension(apiRoot, EXTENSION_KEY, logger);
});
