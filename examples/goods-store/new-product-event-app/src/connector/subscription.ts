import type { Destination, MessageSubscription, Subscription, SubscriptionDraft, SubscriptionUpdateAction } from '@commercetools/platform-sdk';
import { ApiRoot, isNotFound } from '../lib/ctp-client';
import { ConfigError, Env, EnvReader } from '../lib/env';
import { Logger } from '../lib/logger';

export const SUBSCRIPTION_KEY = 'goods-store-new-product';
export const MESSAGES: MessageSubscription[] = [{ resourceTypeId: 'product', types: ['ProductCreated'] }];

/** The broker Connect created for this app, from the CONNECT_* variables given to scripts. */
export function destinationFrom(env: Env): Destination {
  const reader = new EnvReader(env);
  // Older Connect runtimes did not set the kind; they were GCP-only.
  const kind = reader.optionalString('CONNECT_SUBSCRIPTION_DESTINATION', 'GoogleCloudPubSub');
  if (kind === 'GoogleCloudPubSub') {
    const projectId = reader.string('CONNECT_GCP_PROJECT_ID');
    const topic = reader.string('CONNECT_GCP_TOPIC_NAME');
    reader.done();
    return { type: 'GoogleCloudPubSub', projectId, topic };
  }
  if (kind === 'SNS') {
    const topicArn = reader.matching('CONNECT_AWS_TOPIC_ARN', /^arn:aws[a-z-]*:sns:[^:]+:\d+:.+$/, 'an SNS topic ARN');
    reader.done();
    return { type: 'SNS', topicArn, authenticationMode: 'IAM' };
  }
  throw new ConfigError(['CONNECT_SUBSCRIPTION_DESTINATION must be GoogleCloudPubSub or SNS']);
}

export function subscriptionDraft(destination: Destination): SubscriptionDraft {
  return { key: SUBSCRIPTION_KEY, destination, messages: MESSAGES };
}

const DESTINATION_FIELDS = ['type', 'projectId', 'topic', 'topicArn', 'authenticationMode'] as const;

function sameDestination(a: Destination, b: Destination): boolean {
  const pick = (d: Destination): string => {
    const record = d as unknown as Record<string, unknown>;
    return JSON.stringify(DESTINATION_FIELDS.map((field) => record[field] ?? null));
  };
  return pick(a) === pick(b);
}

function sameMessages(a: MessageSubscription[] = [], b: MessageSubscription[] = []): boolean {
  const normalise = (messages: MessageSubscription[]): string =>
    JSON.stringify(
      messages
        .map((m) => ({ r: m.resourceTypeId, t: [...(m.types ?? [])].sort() }))
        .sort((x, y) => x.r.localeCompare(y.r)),
    );
  return normalise(a) === normalise(b);
}

/** Only what differs: an unchanged subscription gets no update at all. */
export function subscriptionUpdates(current: Subscription, draft: SubscriptionDraft): SubscriptionUpdateAction[] {
  const actions: SubscriptionUpdateAction[] = [];
  if (!sameDestination(current.destination, draft.destination)) {
    actions.push({ action: 'changeDestination', destination: draft.destination });
  }
  if (!sameMessages(current.messages, draft.messages)) {
    actions.push({ action: 'setMessages', messages: draft.messages });
  }
  return actions;
}

async function findSubscription(apiRoot: ApiRoot, key: string): Promise<Subscription | undefined> {
  try {
    return (await apiRoot.subscriptions().withKey({ key }).get().execute()).body;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Get-then-create-or-update: running it again leaves exactly one subscription. */
export async function ensureSubscription(
  apiRoot: ApiRoot,
  draft: SubscriptionDraft,
  logger: Logger,
): Promise<'created' | 'updated' | 'unchanged'> {
  const key = draft.key ?? SUBSCRIPTION_KEY;
  const current = await findSubscription(apiRoot, key);
  if (!current) {
    await apiRoot.subscriptions().post({ body: draft }).execute();
    logger.info('subscription created', { key, destination: draft.destination.type });
    return 'created';
  }
  const actions = subscriptionUpdates(current, draft);
  if (actions.length === 0) {
    logger.info('subscription already up to date', { key });
    return 'unchanged';
  }
  await apiRoot.subscriptions().withKey({ key }).post({ body: { version: current.version, actions } }).execute();
  logger.info('subscription updated', { key, updateActions: actions.map((a) => a.action) });
  return 'updated';
}

/** Deletes the subscription; an already missing one is fine. */
export async function removeSubscription(apiRoot: ApiRoot, key: string, logger: Logger): Promise<boolean> {
  const current = await findSubscription(apiRoot, key);
  if (!current) {
    logger.info('subscription already absent', { key });
    return false;
  }
  await apiRoot.subscriptions().withKey({ key }).delete({ queryArgs: { version: current.version } }).execute();
  logger.info('subscription deleted', { key });
  return true;
}
