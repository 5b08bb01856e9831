import { Env, EnvReader } from './lib/env';

export interface EventConfig {
  /** Key of the category new products are added to. */
  categoryKey: string;
}

export const DEFAULT_CATEGORY_KEY = 'new-arrivals';

export function loadEventConfig(env: Env): EventConfig {
  const reader = new EnvReader(env);
  const categoryKey = reader.matching(
    'NEW_ARRIVALS_CATEGORY_KEY',
    /^[A-Za-z0-9_-]{2,256}$/,
    'a category key (2-256 letters, digits, _ or -)',
    DEFAULT_CATEGORY_KEY,
  );
  reader.done();
  return { categoryKey };
}
