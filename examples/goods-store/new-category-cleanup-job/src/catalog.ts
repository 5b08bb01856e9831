import type { Category, Product, ProductProjection } from '@commercetools/platform-sdk';
import { ApiRoot, isNotFound } from './lib/ctp-client';

/** The catalog operations the job needs; tests provide a fake. */
export interface Catalog {
  getCategoryByKey(key: string): Promise<Category | undefined>;
  /** One page of staged projections in the category created before `cutoff`, ordered by id after `afterId`. */
  queryOldProducts(categoryId: string, cutoff: string, afterId: string | undefined, limit: number): Promise<ProductProjection[]>;
  getProduct(id: string): Promise<Product | undefined>;
  /** `staged: false` changes both the current and the staged projection. */
  removeFromCategory(product: Product, categoryId: string, staged: boolean): Promise<void>;
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
    getCategoryByKey: (key) => orUndefined(apiRoot.categories().withKey({ key }).get().execute()),
    getProduct: (id) => orUndefined(apiRoot.products().withId({ ID: id }).get().execute()),
    queryOldProducts: async (categoryId, cutoff, afterId, limit) => {
      // Cursor paging on id (not offset): stable while products leave the category.
      const predicates = ['categories(id = :categoryId)', 'createdAt < :cutoff'];
      if (afterId) predicates.push('id > :afterId');
      const { body } = await apiRoot
        .productProjections()
        .get({
          queryArgs: {
            where: predicates.join(' and '),
            'var.categoryId': categoryId,
            'var.cutoff': cutoff,
            ...(afterId ? { 'var.afterId': afterId } : {}),
            staged: true,
            sort: 'id asc',
            limit,
            withTotal: false,
          },
        })
        .execute();
      return body.results;
    },
    removeFromCategory: async (product, categoryId, staged) => {
      await apiRoot
        .products()
        .withId({ ID: product.id })
        .post({
          body: {
            version: product.version,
            actions: [{ action: 'removeFromCategory', category: { typeId: 'category', id: categoryId }, staged }],
          },
        })
        .execute();
    },
  };
}
