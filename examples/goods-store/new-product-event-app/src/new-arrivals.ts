import type { Product } from '@commercetools/platform-sdk';
import { Catalog } from './catalog';
import { statusOf } from './lib/ctp-client';

export type AddOutcome = 'added' | 'already-in-category' | 'product-not-found' | 'category-not-found';

const MAX_ATTEMPTS = 3;

function inCategory(categories: Array<{ id: string }>, categoryId: string): boolean {
  return categories.some((category) => category.id === categoryId);
}

/**
 * Puts the product into the New Arrivals category. Re-fetches the product
 * (the message payload is not trusted) and is idempotent: a product already
 * in the category is left alone. Version conflicts are retried.
 */
export async function addToNewArrivals(catalog: Catalog, productId: string, categoryKey: string): Promise<AddOutcome> {
  const category = await catalog.getCategoryByKey(categoryKey);
  if (!category) {
    return 'category-not-found';
  }
  for (let attempt = 1; ; attempt += 1) {
    const product: Product | undefined = await catalog.getProduct(productId);
    if (!product) {
      return 'product-not-found';
    }
    const { current, staged } = product.masterData;
    if (inCategory(staged.categories, category.id)) {
      return 'already-in-category';
    }
    // Change the current projection too only when it also lacks the category:
    // adding a category twice is an error.
    const onlyStaged = inCategory(current.categories, category.id);
    try {
      await catalog.addToCategory(product, category.id, onlyStaged);
      return 'added';
    } catch (err) {
      if (statusOf(err) !== 409 || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}
