import type { ServerResponse } from 'node:http';

export async function answer(response: ServerResponse, work: () => Promise<string>): Promise<void> {
  try {
    response.end(await work());
  } catch (failure) {
    // ruleid: error-details-in-response
    response.end(JSON.stringify(failure));
  }
}

export async function safe(response: ServerResponse, work: () => Promise<string>): Promise<void> {
  try {
    response.end(await work());
  } catch (failure) {
    // ok: error-details-in-response
    response.end(JSON.stringify({ errors: [{ code: 'InternalError' }] }));
  }
}
