import type { Request, Response } from 'express';

export async function proxy(request: Request, response: Response): Promise<void> {
  const url = String(request.query.imageUrl);
  // ruleid: ssrf-request-url
  const image = await fetch(url);
  response.send(await image.text());
}

export async function fixed(request: Request, response: Response, base: string): Promise<void> {
  // ok: ssrf-request-url
  const image = await fetch(`${base}/images/${encodeURIComponent(String(request.query.id))}`);
  response.send(await image.text());
}
