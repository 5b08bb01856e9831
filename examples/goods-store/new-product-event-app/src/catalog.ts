import type { Category, Product } from '@commercetools/platform-sdk';
import { ApiRoot, isNotFound } from './lib/ctp-client';

/** The catalog operations the app needs; tests provide a fake. */
export interface Catalog {
  getProduct(id: string): Promise<Product | undefined>;
  getCategoryByKey(key: string): Promise<Category | undefined>;
  /** `staged: false` changes both the current and the staged projection. */
  addToCategory(product: Product, categoryId: string, staged: boolean): Promise<void>;
}

async function orUndefined<T>(request: Promise<{ body: T }>): Promise<T | undefined> {
  try {
    return (await request).body;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function sdkCatalog(apiRoot: ApiRoot): Catalog {
  return {
    getProduct: (id) => orUndefined(apiRoot.products().withId({ ID: id }).get().execute()),
    getCategoryByKey: (key) => orUndefined(apiRoot.categories().withKey({ key }).get().execute()),
    addToCategory: async (product, categoryId, staged) => {
      await apiRoot
        .products()
        .withId({ ID: product.id })
        .post({
          body: {
            version: product.version,
            actions: [{ action: 'addToCategory', category: { typeId: 'category', id: categoryId }, staged }],
          },
        })
        .execute();
    },
  };
}
