import { buildApp } from './app';
import { sdkCatalog } from './catalog';
import { loadJobConfig } from './config';
import { createApiRoot } from './lib/ctp-client';
import { loadCtpConfig } from './lib/ctp-config';
import { ConfigError } from './lib/env';
import { createLogger, describeError } from './lib/logger';
import { portFrom, startServer } from './lib/server';

const logger = createLogger({ app: 'new-category-cleanup-job' });

try {
  const ctp = loadCtpConfig(process.env);
  const { categoryKey, maxAgeDays } = loadJobConfig(process.env);
  const apiRoot = createApiRoot(ctp, { timeoutMs: 10000, maxRetries: 2 });
  startServer(buildApp({ catalog: sdkCatalog(apiRoot), categoryKey, maxAgeDays, logger }), portFrom(process.env.PORT));
} catch (err) {
  const fields = err instanceof ConfigError ? { problems: err.problems } : describeError(err);
  logger.error('job could not start', fields);
  process.exitCode = 1;
}
