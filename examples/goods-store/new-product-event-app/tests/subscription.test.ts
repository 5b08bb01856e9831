import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Subscription } from '@commercetools/platform-sdk';
import { ensureCategory } from '../src/connector/category';
import {
  destinationFrom,
  ensureSubscription,
  removeSubscription,
  subscriptionDraft,
  SUBSCRIPTION_KEY,
} from '../src/connector/subscription';
import { createApiRoot } from '../src/lib/ctp-client';
import { ConfigError } from '../src/lib/env';
import { silentLogger } from '../src/lib/logger';
import { FakeRequest, FakeResponse, fakeFetch, notFound } from './helpers/fake-fetch';
import { testCtpConfig } from './helpers/ctp';

const ctp = testCtpConfig({ region: 'europe-west1.gcp' });
const GCP = { type: 'GoogleCloudPubSub' as const, projectId: 'gcp-project', topic: 'topic-a' };

/** In-memory `/subscriptions` and `/categories` keyed resources. */
function keyedApi() {
  const stores: Record<string, Map<string, Record<string, unknown>>> = { subscriptions: new Map(), categories: new Map() };
  const handler = (req: FakeRequest): FakeResponse => {
    const match = /^\/shop\/(subscriptions|categories)(?:\/key=(.+))?$/.exec(req.path);
    if (!match) return notFound();
    const store = stores[match[1]];
    if (!match[2]) {
      assert.equal(req.method, 'POST');
      const created: Record<string, unknown> = { ...(req.body as Record<string, unknown>), id: `id-${store.size + 1}`, version: 1 };
      store.set(created.key as string, created);
      return { status: 201, body: created };
    }
    const current = store.get(decodeURIComponent(match[2]));
    if (!current) return notFound();
    if (req.method === 'GET') return { status: 200, body: current };
    if (req.method === 'DELETE') {
      store.delete(current.key as string);
      return { status: 200, body: current };
    }
    const { actions } = req.body as { actions: Array<Record<string, unknown>> };
    const next: Record<string, unknown> = { ...current, version: (current.version as number) + 1 };
    for (const action of actions) {
      if (action.action === 'changeDestination') next.destination = action.destination;
      else if (action.action === 'setMessages') next.messages = action.messages;
      else return { status: 400, body: { message: `unsupported ${String(action.action)}` } };
    }
    store.set(current.key as string, next);
    return { status: 200, body: next };
  };
  return { stores, handler };
}

describe('destinationFrom', () => {
  it('builds a Pub/Sub destination', () => {
    const env = { CONNECT_SUBSCRIPTION_DESTINATION: 'GoogleCloudPubSub', CONNECT_GCP_PROJECT_ID: 'p', CONNECT_GCP_TOPIC_NAME: 't' };
    assert.deepEqual(destinationFrom(env), { type: 'GoogleCloudPubSub', projectId: 'p', topic: 't' });
  });

  it('defaults to Pub/Sub when the kind is not given', () => {
    assert.equal(destinationFrom({ CONNECT_GCP_PROJECT_ID: 'p', CONNECT_GCP_TOPIC_NAME: 't' }).type, 'GoogleCloudPubSub');
  });

  it('builds an SNS destination on AWS', () => {
    const topicArn = 'arn:aws:sns:eu-central-1:123456789012:connect-topic';
    assert.deepEqual(destinationFrom({ CONNECT_SUBSCRIPTION_DESTINATION: 'SNS', CONNECT_AWS_TOPIC_ARN: topicArn }), {
      type: 'SNS',
      topicArn,
      authenticationMode: 'IAM',
    });
  });

  it('rejects missing or unknown settings', () => {
    assert.throws(() => destinationFrom({}), (err: unknown) => err instanceof ConfigError && err.problems.length === 2);
    assert.throws(() => destinationFrom({ CONNECT_SUBSCRIPTION_DESTINATION: 'SNS', CONNECT_AWS_TOPIC_ARN: 'topic' }), /SNS topic ARN/);
    assert.throws(() => destinationFrom({ CONNECT_SUBSCRIPTION_DESTINATION: 'EventBridge' }), /CONNECT_SUBSCRIPTION_DESTINATION/);
  });
});

describe('subscription registration', () => {
  it('creates the subscription once; a second run sends no update', async () => {
    const api = keyedApi();
    const fake = fakeFetch(api.handler);
    const apiRoot = createApiRoot(ctp, { timeoutMs: 1000, maxRetries: 0, httpClient: fake.fetch });

    assert.equal(await ensureSubscription(apiRoot, subscriptionDraft(GCP), silentLogger), 'created');
    assert.equal(await ensureSubscription(apiRoot, subscriptionDraft(GCP), silentLogger), 'unchanged');

    assert.equal(api.stores.subscriptions.size, 1);
    const stored = api.stores.subscriptions.get(SUBSCRIPTION_KEY) as unknown as Subscription;
    assert.deepEqual(stored.destination, GCP);
    assert.deepEqual(stored.messages, [{ resourceTypeId: 'product', types: ['ProductCreated'] }]);
    assert.equal(fake.requests.filter((r) => r.method === 'POST').length, 1);
  });

  it('updates only the destination when the topic changed', async () => {
    const api = keyedApi();
    const fake = fakeFetch(api.handler);
    const apiRoot = createApiRoot(ctp, { timeoutMs: 1000, maxRetries: 0, httpClient: fake.fetch });
    await ensureSubscription(apiRoot, subscriptionDraft(GCP), silentLogger);
    const moved = { ...GCP, topic: 'topic-b' };

    assert.equal(await ensureSubscription(apiRoot, subscriptionDraft(moved), silentLogger), 'updated');
    const update = fake.requests.at(-1)?.body as { version: number; actions: Array<{ action: string }> };
    assert.deepEqual(update.actions.map((a) => a.action), ['changeDestination']);
    assert.equal(update.version, 1);
    assert.deepEqual((api.stores.subscriptions.get(SUBSCRIPTION_KEY) as Record<string, unknown>).destination, moved);
  });

  it('deletes the subscription, and a second delete is a no-op', async () => {
    const api = keyedApi();
    const apiRoot = createApiRoot(ctp, { timeoutMs: 1000, maxRetries: 0, httpClient: fakeFetch(api.handler).fetch });
    await ensureSubscription(apiRoot, subscriptionDraft(GCP), silentLogger);
    assert.equal(await removeSubscription(apiRoot, SUBSCRIPTION_KEY, silentLogger), true);
    assert.equal(await removeSubscription(apiRoot, SUBSCRIPTION_KEY, silentLogger), false);
    assert.equal(api.stores.subscriptions.size, 0);
  });

  it('creates the category only when missing', async () => {
    const api = keyedApi();
    const apiRoot = createApiRoot(ctp, { timeoutMs: 1000, maxRetries: 0, httpClient: fakeFetch(api.handler).fetch });
    assert.equal(await ensureCategory(apiRoot, 'new-arrivals', silentLogger), 'created');
    assert.equal(await ensureCategory(apiRoot, 'new-arrivals', silentLogger), 'exists');
    assert.equal(api.stores.categories.size, 1);
    assert.deepEqual(api.stores.categories.get('new-arrivals')?.slug, { en: 'new-arrivals' });
  });
});
