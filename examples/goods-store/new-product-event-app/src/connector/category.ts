import type { CategoryDraft } from '@commercetools/platform-sdk';
import { ApiRoot, isNotFound } from '../lib/ctp-client';
import { Logger } from '../lib/logger';

export function categoryDraft(key: string): CategoryDraft {
  return { key, name: { en: 'New Arrivals' }, slug: { en: key }, description: { en: 'Products added recently' } };
}

/**
 * Creates the New Arrivals category when no category has the key. An
 * existing category (possibly edited by merchants) is never changed.
 */
export async function ensureCategory(apiRoot: ApiRoot, key: string, logger: Logger): Promise<'created' | 'exists'> {
  try {
    await apiRoot.categories().withKey({ key }).get().execute();
    logger.info('category exists', { key });
    return 'exists';
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  await apiRoot.categories().post({ body: categoryDraft(key) }).execute();
  logger.info('category created', { key });
  return 'created';
}
