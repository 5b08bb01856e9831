import { buildApp } from './app';
import { sdkCatalog } from './catalog';
import { loadEventConfig } from './config';
import { createApiRoot } from './lib/ctp-client';
import { loadCtpConfig } from './lib/ctp-config';
import { ConfigError } from './lib/env';
import { createLogger, describeError } from './lib/logger';
import { portFrom, startServer } from './lib/server';

const logger = createLogger({ app: 'new-product-event-app' });

try {
  const ctp = loadCtpConfig(process.env);
  const { categoryKey } = loadEventConfig(process.env);
  // Pub/Sub waits 10 s for the ack: keep API calls well inside that.
  const apiRoot = createApiRoot(ctp, { timeoutMs: 3000, maxRetries: 1 });
  startServer(buildApp({ catalog: sdkCatalog(apiRoot), categoryKey, projectKey: ctp.projectKey, logger }), portFrom(process.env.PORT));
} catch (err) {
  const fields = err instanceof ConfigError ? { problems: err.problems } : describeError(err);
  logger.error('event app could not start', fields);
  process.exitCode = 1;
}
