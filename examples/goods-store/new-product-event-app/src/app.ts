import { Catalog } from './catalog';
import { AppOptions, HttpResult, Route } from './lib/http-app';
import { Logger } from './lib/logger';
import { MAX_BODY_BYTES } from './lib/server';
import { addToNewArrivals } from './new-arrivals';
import { classifyNotification } from './notification';
import { parseEnvelope } from './pubsub';

export const EVENT_PATH = '/new-product';
export const HEALTH_PATH = '/health';

export interface EventDeps {
  catalog: Catalog;
  categoryKey: string;
  projectKey: string;
  logger: Logger;
}

function ack(outcome: string): HttpResult {
  // Any 2xx acknowledges the delivery; the body is for people reading logs and tests.
  return { status: 200, body: { outcome } };
}

/**
 * Handles one push delivery. Messages this app does not act on are
 * acknowledged; API failures surface as 5xx so Pub/Sub redelivers.
 */
export async function handleDelivery(body: unknown, deps: EventDeps): Promise<HttpResult> {
  const delivery = parseEnvelope(body);
  const log = deps.logger.child({ messageId: delivery.messageId });
  if (delivery.kind === 'undecodable') {
    log.warn('acknowledging a message that cannot be decoded', { reason: delivery.reason });
    return ack('undecodable');
  }
  const classified = classifyNotification(delivery.notification, deps.projectKey);
  if (classified.kind === 'ignored') {
    log.info('message ignored', { reason: classified.reason });
    return ack('ignored');
  }
  const outcome = await addToNewArrivals(deps.catalog, classified.productId, deps.categoryKey);
  const fields = { productId: classified.productId, sequenceNumber: classified.sequenceNumber, outcome };
  if (outcome === 'category-not-found') {
    // A configuration problem: redelivery would not fix it, so log loudly and ack.
    log.error('New Arrivals category not found; run the postDeploy script or fix NEW_ARRIVALS_CATEGORY_KEY', {
      ...fields,
      categoryKey: deps.categoryKey,
    });
  } else {
    log.info('product processed', fields);
  }
  return ack(outcome);
}

export function buildApp(deps: EventDeps): AppOptions {
  const routes: Route[] = [
    { method: 'POST', path: EVENT_PATH, handle: (body) => handleDelivery(body, deps) },
    { method: 'GET', path: HEALTH_PATH, handle: () => ({ status: 200, body: { status: 'ok' } }) },
  ];
  return { routes, logger: deps.logger, maxBodyBytes: MAX_BODY_BYTES };
}
