import { Catalog } from './catalog';
import { statusOf } from './lib/ctp-client';
import { Logger, describeError } from './lib/logger';

export interface CleanupOptions {
  categoryKey: string;
  maxAgeDays: number;
  now: Date;
  pageSize: number;
  /** Bounds one run; the next run continues where this one stopped. */
  maxPages: number;
}

export interface CleanupSummary {
  categoryKey: string;
  categoryFound: boolean;
  cutoff: string;
  examined: number;
  removed: number;
  skipped: number;
  failed: number;
  pages: number;
  truncated: boolean;
}

type RemoveOutcome = 'removed' | 'skipped';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_ATTEMPTS = 3;

export function cutoffFor(now: Date, maxAgeDays: number): string {
  return new Date(now.getTime() - maxAgeDays * DAY_MS).toISOString();
}

function hasCategory(categories: Array<{ id: string }>, categoryId: string): boolean {
  return categories.some((category) => category.id === categoryId);
}

/** Removes one product from the category, re-reading it on version conflicts. */
async function removeOne(catalog: Catalog, productId: string, categoryId: string): Promise<RemoveOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    const product = await catalog.getProduct(productId);
    if (!product) return 'skipped';
    const inStaged = hasCategory(product.masterData.staged.categories, categoryId);
    const inCurrent = hasCategory(product.masterData.current.categories, categoryId);
    // Removing from a projection that lacks the category is an error, so
    // `staged: false` (both) is used only when both have it.
    if (!inStaged) return 'skipped';
    try {
      await catalog.removeFromCategory(product, categoryId, !inCurrent);
      return 'removed';
    } catch (err) {
      if (statusOf(err) !== 409 || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

/**
 * Takes every product created before the cutoff out of the New Arrivals
 * category. Per-product failures are counted and the run goes on.
 */
export async function cleanupNewArrivals(catalog: Catalog, options: CleanupOptions, logger: Logger): Promise<CleanupSummary> {
  const cutoff = cutoffFor(options.now, options.maxAgeDays);
  const summary: CleanupSummary = {
    categoryKey: options.categoryKey,
    categoryFound: false,
    cutoff,
    examined: 0,
    removed: 0,
    skipped: 0,
    failed: 0,
    pages: 0,
    truncated: false,
  };
  const category = await catalog.getCategoryByKey(options.categoryKey);
  if (!category) {
    logger.warn('New Arrivals category not found; nothing to clean up', { categoryKey: options.categoryKey });
    return summary;
  }
  summary.categoryFound = true;
  let afterId: string | undefined;
  for (;;) {
    if (summary.pages >= options.maxPages) {
      summary.truncated = true;
      break;
    }
    const page = await catalog.queryOldProducts(category.id, cutoff, afterId, options.pageSize);
    summary.pages += 1;
    for (const projection of page) {
      summary.examined += 1;
      if (projection.createdAt >= cutoff) {
        summary.skipped += 1;
        continue;
      }
      try {
        const outcome = await removeOne(catalog, projection.id, category.id);
        summary[outcome] += 1;
      } catch (err) {
        summary.failed += 1;
        logger.warn('could not remove a product from New Arrivals', { productId: projection.id, ...describeError(err) });
      }
    }
    if (page.length < options.pageSize) break;
    afterId = page[page.length - 1].id;
  }
  return summary;
}
