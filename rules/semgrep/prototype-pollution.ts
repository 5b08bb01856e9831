import deepmerge from 'deepmerge';
import type { Request, Response } from 'express';

export function handler(request: Request, response: Response): void {
  // ruleid: prototype-pollution-merge
  const options = deepmerge({ retries: 1 }, request.body);
  response.json(options);
}

export function fixed(response: Response): void {
  // ok: prototype-pollution-merge
  const options = deepmerge({ retries: 1 }, { retries: 2 });
  response.json(options);
}
