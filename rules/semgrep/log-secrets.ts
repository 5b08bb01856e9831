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

enum Fields {
  Password = 'password',
  AccessToken = 'access_token',
}

export function validate(form: Record<string, string>, hasPassword: boolean, config: { clientSecret: string }): void {
  // names of secrets, and facts about them, are not the secrets
  // ok: secret-in-log
  log.warn('missing field', Fields.Password);
  // ok: secret-in-log
  log.info(`field ${Fields.AccessToken} is not set`);
  // ok: secret-in-log
  log.info({ hasPassword }, 'form checked');
  // ruleid: secret-in-log
  log.info({ password: form.password }, 'form checked');
  // ruleid: secret-in-log
  log.debug(`secret is ${config.clientSecret}`);
  // an allow-list of settings is not the environment
  // ok: log-environment
  log.info(pick(process.env, ['PORT', 'CTP_REGION']), 'settings');
  // ruleid: log-environment
  log.info({ env: process.env }, 'settings');
}
