import pino from 'pino';

const log = pino();

export function boot(env: NodeJS.ProcessEnv, clientSecret: string): void {
  // ruleid: log-environment
  log.info(process.env);
  // ruleid: secret-in-log
  log.info({ clientSecret }, 'booting');
  // ok: secret-in-log
  log.info({ region: env.CTP_REGION }, 'booting');
  // ok: log-environment
  log.info({ region: process.env.CTP_REGION }, 'booting');
}
