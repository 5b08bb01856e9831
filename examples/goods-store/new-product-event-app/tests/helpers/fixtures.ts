import type { Category, Product } from '@commercetools/platform-sdk';
import { Catalog } from '../../src/catalog';

export const PRODUCT_ID = '5b7d0c3e-0000-4000-8000-00000000000a';
export const CATEGORY: Category = { id: 'cat-new', key: 'new-arrivals', version: 1 } as Category;

export function notification(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    notificationType: 'Message',
    projectKey: 'cert-project',
    id: '8c1f2a8e-0000-4000-8000-000000000001',
    version: 1,
    sequenceNumber: 1,
    resource: { typeId: 'product', id: PRODUCT_ID },
    resourceVersion: 1,
    type: 'ProductCreated',
    createdAt: '2026-01-15T10:00:00.000Z',
    lastModifiedAt: '2026-01-15T10:00:00.000Z',
    ...overrides,
  };
}

export function envelope(payload: unknown): Record<string, unknown> {
  const data = Buffer.from(JSON.stringify(payload)).toString('base64');
  return {
    message: { attributes: { contentType: 'application/json' }, data, messageId: '7000000000000001', publishTime: '2026-01-15T10:00:01.000Z' },
    subscription: 'projects/cert-gcp-project/subscriptions/cert-event-app',
  };
}

export function product(currentCategories: string[] = [], stagedCategories: string[] = currentCategories, version = 1): Product {
  const refs = (ids: string[]) => ids.map((id) => ({ typeId: 'category' as const, id }));
  return {
    id: PRODUCT_ID,
    version,
    createdAt: '2026-01-15T10:00:00.000Z',
    masterData: {
      current: { categories: refs(currentCategories) },
      staged: { categories: refs(stagedCategories) },
    },
  } as unknown as Product;
}

export interface FakeCatalog extends Catalog {
  products: Map<string, Product>;
  calls: Array<{ productId: string; categoryId: string; staged: boolean; version: number }>;
  failures: unknown[];
}

/** An in-memory catalog; queued `failures` are thrown by the next addToCategory calls. */
export function fakeCatalog(initial: Product[] = [], categories: Category[] = [CATEGORY]): FakeCatalog {
  const products = new Map(initial.map((p) => [p.id, p]));
  const calls: FakeCatalog['calls'] = [];
  const failures: unknown[] = [];
  return {
    products,
    calls,
    failures,
    getProduct: async (id) => products.get(id),
    getCategoryByKey: async (key) => categories.find((c) => c.key === key),
    addToCategory: async (p, categoryId, staged) => {
      calls.push({ productId: p.id, categoryId, staged, version: p.version });
      if (failures.length > 0) throw failures.shift();
      const ref = { typeId: 'category' as const, id: categoryId };
      const data = p.masterData;
      const next = {
        ...p,
        version: p.version + 1,
        masterData: {
          ...data,
          staged: { ...data.staged, categories: [...data.staged.categories, ref] },
          current: staged ? data.current : { ...data.current, categories: [...data.current.categories, ref] },
        },
      } as Product;
      products.set(p.id, next);
    },
  };
}
