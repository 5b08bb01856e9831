/** A realistic API Extension request for a cart (shape from the platform docs). */
export function cartRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    action: 'Update',
    resource: {
      typeId: 'cart',
      id: 'c0ffee00-0000-4000-8000-000000000001',
      obj: {
        id: 'c0ffee00-0000-4000-8000-000000000001',
        version: 3,
        cartState: 'Active',
        totalPrice: { type: 'centPrecision', currencyCode: 'EUR', centAmount: 12000, fractionDigits: 2 },
        lineItems: [
          {
            id: 'li-1',
            quantity: 2,
            priceMode: 'Platform',
            variant: { id: 1, sku: 'SHIRT-M' },
            price: { value: { currencyCode: 'EUR', centAmount: 6000 } },
            totalPrice: { currencyCode: 'EUR', centAmount: 12000 },
          },
        ],
        ...overrides,
      },
    },
  };
}
