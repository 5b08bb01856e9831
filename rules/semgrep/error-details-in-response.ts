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

// details that only a development build shows (the Connect application templates' error middleware)
export function errorMiddleware(error: Error & { statusCode?: number }, _req: unknown, res: any, _next: unknown): void {
  const isDevelopment = process.env.NODE_ENV === 'development';
  // ok: error-details-in-response
  res.status(error.statusCode ?? 500).json({ message: error.message, stack: isDevelopment ? error.stack : undefined });
  if (process.env.NODE_ENV !== 'production') {
    // ok: error-details-in-response
    res.status(500).json({ message: error.message, stack: error.stack });
    return;
  }
  // ruleid: error-details-in-response
  res.status(500).json({ message: error.message, stack: error instanceof Error ? error.stack : String(error) });
}
