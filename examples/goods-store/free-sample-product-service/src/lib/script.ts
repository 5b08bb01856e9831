import { ConfigError } from './env';
import { Logger, describeError } from './logger';

/**
 * Runs a connector script (postDeploy / preUndeploy) and sets the exit code:
 * 0 on success, 1 on failure, so Connect and the operator see the outcome.
 */
export async function runScript(name: string, logger: Logger, body: () => Promise<void>): Promise<void> {
  try {
    await body();
    logger.info(`${name} finished`);
  } catch (err) {
    const fields = err instanceof ConfigError ? { problems: err.problems } : describeError(err);
    logger.error(`${name} failed`, fields);
    process.exitCode = 1;
  }
}
