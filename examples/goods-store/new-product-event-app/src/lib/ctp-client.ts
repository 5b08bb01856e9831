import { createApiBuilderFromCtpClient } from '@commercetools/platform-sdk';
import { ClientBuilder } from '@commercetools/ts-client';
import { CtpConfig, apiUrl, authUrl } from './ctp-config';

export type ApiRoot = ReturnType<ReturnType<typeof createApiBuilderFromCtpClient>['withProjectKey']>;
export type HttpClient = typeof fetch;

export interface ClientOptions {
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  /** Retries for 5xx answers and network errors. */
  maxRetries: number;
  /** Injected in tests; defaults to the global fetch at call time. */
  httpClient?: HttpClient;
}

/** Builds a project-scoped API root using the client-credentials flow. */
export function createApiRoot(config: CtpConfig, options: ClientOptions): ApiRoot {
  const httpClient = options.httpClient ?? fetch;
  const client = new ClientBuilder()
    .withProjectKey(config.projectKey)
    .withClientCredentialsFlow({
      host: authUrl(config.region),
      projectKey: config.projectKey,
      credentials: { clientId: config.clientId, clientSecret: config.clientSecret },
      scopes: config.scopes,
      httpClient,
    })
    .withHttpMiddleware({
      host: apiUrl(config.region),
      httpClient,
      timeout: options.timeoutMs,
      enableRetry: options.maxRetries > 0,
      retryConfig: {
        maxRetries: options.maxRetries,
        retryDelay: 200,
        backoff: true,
        maxDelay: 2000,
        retryCodes: [500, 502, 503, 504],
      },
    })
    .build();
  return createApiBuilderFromCtpClient(client).withProjectKey({ projectKey: config.projectKey });
}

/** HTTP status of an SDK error, when it has one. */
export function statusOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null) {
    const { statusCode, status } = err as { statusCode?: unknown; status?: unknown };
    if (typeof statusCode === 'number') return statusCode;
    if (typeof status === 'number') return status;
  }
  return undefined;
}

export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404;
}
