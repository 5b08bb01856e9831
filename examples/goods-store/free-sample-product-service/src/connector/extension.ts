import type { Extension, ExtensionDraft, ExtensionTrigger, ExtensionUpdateAction } from '@commercetools/platform-sdk';
import { ApiRoot, isNotFound, statusOf } from '../lib/ctp-client';
import { Logger } from '../lib/logger';

export const EXTENSION_KEY = 'goods-store-free-sample';
export const EXTENSION_TIMEOUT_MS = 2000;

export function extensionDraft(serviceUrl: string, authHeaderValue: string): ExtensionDraft {
  return {
    key: EXTENSION_KEY,
    destination: {
      type: 'HTTP',
      url: serviceUrl,
      authentication: { type: 'AuthorizationHeader', headerValue: authHeaderValue },
    },
    triggers: [{ resourceTypeId: 'cart', actions: ['Create', 'Update'] }],
    timeoutInMs: EXTENSION_TIMEOUT_MS,
  };
}

/** Connect gives the service URL; it must be an absolute http(s) URL. */
export function serviceUrlFrom(value: string | undefined): string {
  const trimmed = value?.trim() ?? '';
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error('CONNECT_SERVICE_URL must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error('CONNECT_SERVICE_URL must be an http(s) URL');
  }
  return trimmed;
}

async function findExtension(apiRoot: ApiRoot, key: string): Promise<Extension | undefined> {
  try {
    return (await apiRoot.extensions().withKey({ key }).get().execute()).body;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function sameTriggers(a: ExtensionTrigger[], b: ExtensionTrigger[]): boolean {
  const normalise = (triggers: ExtensionTrigger[]): string =>
    JSON.stringify(
      triggers
        .map((t) => ({ r: t.resourceTypeId, a: [...t.actions].sort(), c: t.condition ?? null }))
        .sort((x, y) => x.r.localeCompare(y.r)),
    );
  return normalise(a) === normalise(b);
}

/** Update actions that turn `current` into `draft`. */
export function extensionUpdates(current: Extension, draft: ExtensionDraft): ExtensionUpdateAction[] {
  // The API masks the stored header value, so it cannot be compared: the
  // destination is always re-sent, which also rotates a changed token.
  const actions: ExtensionUpdateAction[] = [{ action: 'changeDestination', destination: draft.destination }];
  if (!sameTriggers(current.triggers, draft.triggers)) {
    actions.push({ action: 'changeTriggers', triggers: draft.triggers });
  }
  if (current.timeoutInMs !== draft.timeoutInMs) {
    actions.push({ action: 'setTimeoutInMs', timeoutInMs: draft.timeoutInMs });
  }
  return actions;
}

/** Get-then-create-or-update: running it again leaves exactly one extension. */
export async function ensureExtension(apiRoot: ApiRoot, draft: ExtensionDraft, logger: Logger): Promise<'created' | 'updated'> {
  const key = draft.key ?? EXTENSION_KEY;
  const current = await findExtension(apiRoot, key);
  if (!current) {
    await apiRoot.extensions().post({ body: draft }).execute();
    logger.info('API extension created', { key });
    return 'created';
  }
  await apiRoot
    .extensions()
    .withKey({ key })
    .post({ body: { version: current.version, actions: extensionUpdates(current, draft) } })
    .execute();
  logger.info('API extension updated', { key });
  return 'updated';
}

/** Deletes the extension; an already missing one is fine. */
export async function removeExtension(apiRoot: ApiRoot, key: string, logger: Logger): Promise<boolean> {
  const current = await findExtension(apiRoot, key);
  if (!current) {
    logger.info('API extension already absent', { key });
    return false;
  }
  await apiRoot.extensions().withKey({ key }).delete({ queryArgs: { version: current.version } }).execute();
  logger.info('API extension deleted', { key });
  return true;
}

/** Warns (does not fail) when the sample SKU is unknown: carts would then reject the gift. */
export async function checkSampleSku(apiRoot: ApiRoot, sku: string, logger: Logger): Promise<void> {
  try {
    const { body } = await apiRoot
      .productProjections()
      .get({
        queryArgs: {
          where: 'masterVariant(sku = :sku) or variants(sku = :sku)',
          'var.sku': sku,
          staged: true,
          limit: 1,
          withTotal: false,
        },
      })
      .execute();
    if (body.results.length === 0) {
      logger.warn('SAMPLE_PRODUCT_SKU matches no product variant yet; carts cannot receive the sample until it exists');
    }
  } catch (err) {
    logger.warn('could not verify SAMPLE_PRODUCT_SKU', { statusCode: statusOf(err) });
  }
}
