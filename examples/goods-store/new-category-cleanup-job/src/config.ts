import { Env, EnvReader } from './lib/env';

export interface JobConfig {
  categoryKey: string;
  /** Products created more than this many days ago leave the category. */
  maxAgeDays: number;
}

export function loadJobConfig(env: Env): JobConfig {
  const reader = new EnvReader(env);
  const categoryKey = reader.matching(
    'NEW_ARRIVALS_CATEGORY_KEY',
    /^[A-Za-z0-9_-]{2,256}$/,
    'a category key (2-256 letters, digits, _ or -)',
    'new-arrivals',
  );
  const maxAgeDays = reader.integer('NEW_ARRIVALS_MAX_AGE_DAYS', '30', 1, 3650);
  reader.done();
  return { categoryKey, maxAgeDays };
}
