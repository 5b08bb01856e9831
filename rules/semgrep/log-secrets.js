'use strict';
const logger = require('./logger');

function start(config, req) {
  // ruleid: log-environment
  console.info('environment', process.env);
  // ruleid: log-environment
  logger.debug(`env: ${JSON.stringify(process.env)}`);
  // ruleid: log-environment
  this.logger.info({ ...process.env, step: 'start' });
  // ok: log-environment
  logger.info('port', process.env.PORT);
  // ok: log-environment
  logger.info('configured keys', Object.keys(process.env).length);

  // ruleid: secret-in-log
  logger.info('client secret', config.clientSecret);
  // ruleid: secret-in-log
  console.error(`login failed for ${config.user} with ${password}`);
  // ruleid: secret-in-log
  logger.warn('token refresh', { token: accessToken });
  // ruleid: secret-in-log
  logger.debug('secret', process.env.CTP_CLIENT_SECRET);
  // ruleid: secret-in-log
  req.log.info({ apiKey });
  // ok: secret-in-log
  logger.info('token refreshed', { expiresIn: token.expiresIn });
  // ok: secret-in-log
  logger.info('client secret configured', Boolean(config.clientSecret));
  // ok: secret-in-log
  logger.error('CTP_CLIENT_SECRET is missing');
  // ok: secret-in-log
  logger.info('token url', tokenUrl);
}
module.exports = { start };
