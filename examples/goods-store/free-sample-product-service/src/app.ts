import { isAuthorized } from './auth';
import { ServiceConfig } from './config';
import { parseExtensionRequest } from './extension-request';
import { planSampleActions } from './free-sample';
import { AppOptions, HttpResult, Route } from './lib/http-app';
import { Logger } from './lib/logger';
import { MAX_BODY_BYTES } from './lib/server';

export const EXTENSION_PATH = '/free-sample';
export const HEALTH_PATH = '/health';

export function handleExtension(body: unknown, config: ServiceConfig, logger: Logger): HttpResult {
  const input = parseExtensionRequest(body);
  if (input.kind !== 'cart') {
    // Registered for carts only; another type is a misconfiguration, not the caller's fault.
    logger.warn('ignoring extension call for an unexpected resource type', { typeId: input.typeId });
    return { status: 200, body: { actions: [] } };
  }
  const actions = planSampleActions(input.cart, config.rule);
  if (actions.length > 0) {
    logger.info('free sample actions planned', {
      cartId: input.cart.id,
      action: input.action,
      updateActions: actions.map((action) => action.action),
    });
  }
  return { status: 200, body: { actions } };
}

export function buildApp(config: ServiceConfig, logger: Logger): AppOptions {
  const routes: Route[] = [
    {
      method: 'POST',
      path: EXTENSION_PATH,
      authorize: (headers) => isAuthorized(headers, config.authHeaderValue),
      handle: (body) => handleExtension(body, config, logger),
    },
    { method: 'GET', path: HEALTH_PATH, handle: () => ({ status: 200, body: { status: 'ok' } }) },
  ];
  return { routes, logger, maxBodyBytes: MAX_BODY_BYTES };
}
