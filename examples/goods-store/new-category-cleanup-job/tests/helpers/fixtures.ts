import type { Category, Product, ProductProjection } from '@commercetools/platform-sdk';
import { Catalog } from '../../src/catalog';

export const CATEGORY: Category = { id: 'cat-new', key: 'new-arrivals', version: 1 } as Category;
export const NOW = new Date('2026-03-01T00:00:00.000Z');

export function daysAgo(days: number): string {
  return new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000).toISOString();
}

export function product(id: string, createdAt: string, current: string[] = [CATEGORY.id], staged: string[] = current): Product {
  const refs = (ids: string[]) => ids.map((ref) => ({ typeId: 'category' as const, id: ref }));
  return {
    id,
    version: 1,
    createdAt,
    masterData: { current: { categories: refs(current) }, staged: { categories: refs(staged) } },
  } as unknown as Product;
}

export interface FakeCatalog extends Catalog {
  products: Map<string, Product>;
  removals: Array<{ id: string; staged: boolean }>;
  queries: Array<{ afterId?: string; limit: number }>;
  /** Errors thrown by the next removeFromCategory calls, per product id. */
  failures: Map<string, unknown[]>;
}

export function fakeCatalog(products: Product[], categories: Category[] = [CATEGORY]): FakeCatalog {
  const store = new Map(products.map((p) => [p.id, p]));
  const removals: FakeCatalog['removals'] = [];
  const queries: FakeCatalog['queries'] = [];
  const failures = new Map<string, unknown[]>();
  return {
    products: store,
    removals,
    queries,
    failures,
    getCategoryByKey: async (key) => categories.find((c) => c.key === key),
    getProduct: async (id) => store.get(id),
    queryOldProducts: async (categoryId, cutoff, afterId, limit) => {
      queries.push({ afterId, limit });
      return [...store.values()]
        .filter((p) => p.masterData.staged.categories.some((c) => c.id === categoryId))
        .filter((p) => p.createdAt < cutoff && (afterId === undefined || p.id > afterId))
        .sort((a, b) => a.id.localeCompare(b.id))
        .slice(0, limit)
        .map((p) => ({ id: p.id, version: p.version, createdAt: p.createdAt, categories: p.masterData.staged.categories }) as unknown as ProductProjection);
    },
    removeFromCategory: async (p, categoryId, staged) => {
      removals.push({ id: p.id, staged });
      const queued = failures.get(p.id);
      if (queued && queued.length > 0) throw queued.shift();
      const without = (refs: Array<{ id: string }>) => refs.filter((c) => c.id !== categoryId);
      const data = p.masterData;
      store.set(p.id, {
        ...p,
        version: p.version + 1,
        masterData: {
          ...data,
          staged: { ...data.staged, categories: without(data.staged.categories) },
          current: staged ? data.current : { ...data.current, categories: without(data.current.categories) },
        },
      } as Product);
    },
  };
}
