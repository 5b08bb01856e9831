import { Catalog } from './catalog';
import { cleanupNewArrivals } from './cleanup';
import { AppOptions, HttpResult, Route } from './lib/http-app';
import { Logger } from './lib/logger';
import { MAX_BODY_BYTES } from './lib/server';

export const JOB_PATH = '/cleanup';
export const PAGE_SIZE = 100;
export const MAX_PAGES = 50;

export interface JobDeps {
  catalog: Catalog;
  categoryKey: string;
  maxAgeDays: number;
  logger: Logger;
  now?: () => Date;
}

/** One scheduled run. 200 with the summary; 500 when some products could not be updated. */
export async function runJob(deps: JobDeps): Promise<HttpResult> {
  const summary = await cleanupNewArrivals(
    deps.catalog,
    {
      categoryKey: deps.categoryKey,
      maxAgeDays: deps.maxAgeDays,
      now: (deps.now ?? (() => new Date()))(),
      pageSize: PAGE_SIZE,
      maxPages: MAX_PAGES,
    },
    deps.logger,
  );
  if (summary.failed > 0) {
    deps.logger.error('cleanup finished with failures', { ...summary });
    return {
      status: 500,
      body: { errors: [{ code: 'PartialFailure', message: `${summary.failed} product(s) could not be updated` }], summary },
    };
  }
  deps.logger.info('cleanup finished', { ...summary });
  return { status: 200, body: summary };
}

export function buildApp(deps: JobDeps): AppOptions {
  const routes: Route[] = [
    // The scheduler's request body carries no meaning: it is read (bounded) and ignored.
    { method: 'POST', path: JOB_PATH, body: 'ignore', handle: () => runJob(deps) },
  ];
  return { routes, logger: deps.logger, maxBodyBytes: MAX_BODY_BYTES };
}
