import type {
  CartAddLineItemAction,
  CartChangeLineItemQuantityAction,
  CartRemoveLineItemAction,
  CartUpdateAction,
} from '@commercetools/platform-sdk';
import type { CartSnapshot, LineItemSnapshot } from './extension-request';

/** When and what to give away. */
export interface SampleRule {
  sku: string;
  quantity: number;
  /** Threshold in the currency's minor unit. */
  minCentAmount: number;
  currencyCode: string;
}

export type Eligibility = 'eligible' | 'not-eligible' | 'at-threshold';

/** The sample is the configured SKU at an external price of zero; anything else is a bought item. */
export function isSampleLineItem(item: LineItemSnapshot, rule: SampleRule): boolean {
  return item.sku === rule.sku && item.priceMode === 'ExternalPrice' && item.unitCentAmount === 0;
}

/** The cart total without the samples, so the gift never qualifies itself. */
export function merchandiseTotal(cart: CartSnapshot, rule: SampleRule): number {
  const sampleTotal = cart.lineItems
    .filter((item) => isSampleLineItem(item, rule))
    .reduce((sum, item) => sum + item.totalCentAmount, 0);
  return cart.totalPrice.centAmount - sampleTotal;
}

export function eligibility(cart: CartSnapshot, rule: SampleRule): Eligibility {
  if (cart.totalPrice.currencyCode !== rule.currencyCode) {
    return 'not-eligible';
  }
  const total = merchandiseTotal(cart, rule);
  if (total > rule.minCentAmount) return 'eligible';
  if (total < rule.minCentAmount) return 'not-eligible';
  // Exactly at the threshold the cart keeps what it has: no flapping.
  return 'at-threshold';
}

/**
 * Update actions that bring the cart to the wanted state. Idempotent: a cart
 * already in that state gets no actions.
 */
export function planSampleActions(cart: CartSnapshot, rule: SampleRule): CartUpdateAction[] {
  if (cart.cartState !== undefined && cart.cartState !== 'Active') {
    return [];
  }
  const samples = cart.lineItems.filter((item) => isSampleLineItem(item, rule));
  const state = eligibility(cart, rule);
  if (state === 'not-eligible') {
    return samples.map(removeLineItem);
  }
  const [kept, ...extra] = samples;
  const actions: CartUpdateAction[] = extra.map(removeLineItem);
  if (kept) {
    if (kept.quantity !== rule.quantity) {
      actions.push(changeQuantity(kept, rule));
    }
    return actions;
  }
  // The platform would merge the sample into a bought line of the same SKU
  // and make it free, so no sample is added in that case.
  const boughtSameSku = cart.lineItems.some((item) => item.sku === rule.sku);
  if (state === 'eligible' && !boughtSameSku) {
    actions.push(addSample(rule));
  }
  return actions;
}

function addSample(rule: SampleRule): CartAddLineItemAction {
  return {
    action: 'addLineItem',
    sku: rule.sku,
    quantity: rule.quantity,
    externalPrice: { currencyCode: rule.currencyCode, centAmount: 0 },
  };
}

function removeLineItem(item: LineItemSnapshot): CartRemoveLineItemAction {
  return { action: 'removeLineItem', lineItemId: item.id };
}

function changeQuantity(item: LineItemSnapshot, rule: SampleRule): CartChangeLineItemQuantityAction {
  return {
    action: 'changeLineItemQuantity',
    lineItemId: item.id,
    quantity: rule.quantity,
    externalPrice: { currencyCode: rule.currencyCode, centAmount: 0 },
  };
}
