import { HttpError } from './lib/http-app';

/** The parts of a cart the free-sample rule reads. */
export interface CartSnapshot {
  id: string;
  cartState?: string;
  totalPrice: { centAmount: number; currencyCode: string };
  lineItems: LineItemSnapshot[];
}

export interface LineItemSnapshot {
  id: string;
  sku?: string;
  quantity: number;
  priceMode?: string;
  unitCentAmount?: number;
  totalCentAmount: number;
}

export type ExtensionInput =
  | { kind: 'cart'; action: 'Create' | 'Update'; cart: CartSnapshot }
  | { kind: 'other'; typeId: string };

type Json = Record<string, unknown>;

function invalid(message: string): HttpError {
  return new HttpError(400, 'InvalidInput', message);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string): Json {
  if (!isObject(value)) throw invalid(`${path} must be an object`);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${path} must be a non-empty string`);
  return value;
}

function integer(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(`${path} must be an integer`);
  return value;
}

/** Validates an API Extension request; anything malformed becomes a 400 InvalidInput. */
export function parseExtensionRequest(body: unknown): ExtensionInput {
  const request = object(body, 'request body');
  const action = request.action;
  if (action !== 'Create' && action !== 'Update') {
    throw invalid('action must be "Create" or "Update"');
  }
  const resource = object(request.resource, 'resource');
  const typeId = string(resource.typeId, 'resource.typeId');
  if (typeId !== 'cart') {
    return { kind: 'other', typeId };
  }
  return { kind: 'cart', action, cart: parseCart(object(resource.obj, 'resource.obj')) };
}

function parseCart(obj: Json): CartSnapshot {
  const totalPrice = object(obj.totalPrice, 'resource.obj.totalPrice');
  const currencyCode = string(totalPrice.currencyCode, 'resource.obj.totalPrice.currencyCode');
  if (!/^[A-Z]{3}$/.test(currencyCode)) {
    throw invalid('resource.obj.totalPrice.currencyCode must be an ISO 4217 code');
  }
  if (!Array.isArray(obj.lineItems)) {
    throw invalid('resource.obj.lineItems must be an array');
  }
  return {
    id: string(obj.id, 'resource.obj.id'),
    cartState: typeof obj.cartState === 'string' ? obj.cartState : undefined,
    totalPrice: { centAmount: integer(totalPrice.centAmount, 'resource.obj.totalPrice.centAmount'), currencyCode },
    lineItems: obj.lineItems.map((item, index) => parseLineItem(item, `resource.obj.lineItems.${index}`)),
  };
}

function parseLineItem(value: unknown, path: string): LineItemSnapshot {
  const item = object(value, path);
  const variant = isObject(item.variant) ? item.variant : {};
  const price = isObject(item.price) && isObject(item.price.value) ? item.price.value : {};
  const total = isObject(item.totalPrice) ? item.totalPrice : {};
  return {
    id: string(item.id, `${path}.id`),
    sku: typeof variant.sku === 'string' ? variant.sku : undefined,
    quantity: integer(item.quantity, `${path}.quantity`),
    priceMode: typeof item.priceMode === 'string' ? item.priceMode : undefined,
    unitCentAmount: typeof price.centAmount === 'number' ? price.centAmount : undefined,
    totalCentAmount: typeof total.centAmount === 'number' ? total.centAmount : 0,
  };
}
