import { buildApp } from './app';
import { loadServiceConfig } from './config';
import { ConfigError } from './lib/env';
import { createLogger, describeError } from './lib/logger';
import { portFrom, startServer } from './lib/server';

const logger = createLogger({ app: 'free-sample-product-service' });

try {
  const config = loadServiceConfig(process.env);
  startServer(buildApp(config, logger), portFrom(process.env.PORT));
} catch (err) {
  const fields = err instanceof ConfigError ? { problems: err.problems } : describeError(err);
  logger.error('service could not start', fields);
  process.exitCode = 1;
}
