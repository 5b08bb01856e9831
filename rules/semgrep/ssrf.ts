import type { Request, Response } from 'express';
import type { FastifyReply, FastifyRequest } from 'fastify';
import axios from 'axios';
import got from 'got';
import * as https from 'node:https';
import { Pool, request as undiciRequest } from 'undici';

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

// commercetools SDK request builders choose no host: their get/post take a request, not a URL
export async function updateCustomer(req: Request, res: Response): Promise<void> {
  const result = await apiRoot
    .customers()
    .withId({ ID: req.params.id })
    // ok: ssrf-request-url
    .post({ body: req.body })
    .execute();
  const { key } = req.params;
  // ok: ssrf-request-url
  await apiRoot.types().withKey({ key }).post({ body: req.body.draft }).execute();
  // ok: ssrf-request-url
  await apiRoot.carts().get({ queryArgs: { where: `customerId="${req.query.customer}"` } }).execute();
  res.json(result.body);
}

// the body, the options and the query of a request to a configured host are not its URL
export async function forward(req: Request, res: Response): Promise<void> {
  // ok: ssrf-request-url
  await axios.post(config.paymentApiUrl, req.body);
  // ok: ssrf-request-url
  await axios.get(`${process.env.PSP_API_URL}/payments`, { params: req.query, headers: { 'x-request-id': req.headers['x-request-id'] } });
  // ok: ssrf-request-url
  await got.post(process.env.TAX_API_URL, { json: req.body });
  // ok: ssrf-request-url
  await fetch(`${process.env.API_URL}/orders/${req.params.id}?expand=${req.query.expand}`, { method: 'POST', body: JSON.stringify(req.body) });
  // ok: ssrf-request-url
  await fetch(new URL(`/carts/${req.params.id}`, config.apiBaseUrl));
  const orderUrl = `${this.processorUrl}/orders/${req.params.orderId}`;
  // ok: ssrf-request-url
  await fetch(orderUrl);
  // ok: ssrf-request-url
  https.request({ hostname: config.pspHost, path: `/v1/refunds/${req.params.id}`, method: 'POST' });
  // ok: ssrf-request-url
  await fetch(`https://api.${process.env.CTP_REGION}.commercetools.com/${process.env.CTP_PROJECT_KEY}/orders/${req.params.id}`);
  // ok: ssrf-request-url
  await fetch(API_BASE_URL + '/orders/' + req.params.id + '/lines/' + req.query.line);
  res.end();
}

// ... and their positive twins: the caller picks the host
export async function forwardAnywhere(req: Request, res: Response): Promise<void> {
  // ruleid: ssrf-request-url
  await axios.post(req.body.callbackUrl, req.body);
  // ruleid: ssrf-request-url
  await axios.get(`${req.query.base}/payments`, { params: req.query });
  // ruleid: ssrf-request-url
  await got.post(req.headers['x-target'] as string, { json: req.body });
  // ruleid: ssrf-request-url
  await fetch(new URL(String(req.query.path), config.apiBaseUrl));
  // ruleid: ssrf-request-url
  https.request({ hostname: req.body.pspHost, path: '/v1/refunds', method: 'POST' });
  // ruleid: ssrf-request-url
  await fetch(`https://${req.headers.host}/health`);
  // ruleid: ssrf-request-url
  const client = axios.create({ baseURL: req.body.apiUrl });
  // ruleid: ssrf-request-url
  await undiciRequest(req.query.url as string);
  // ruleid: ssrf-request-url
  const pool = new Pool(req.body.origin);
  res.json({ client, pool });
}

// a Connect event handler: the Pub/Sub envelope is request data, decoded or not
export async function onEvent(req: Request, res: Response): Promise<void> {
  const message = JSON.parse(Buffer.from(req.body.message.data, 'base64').toString('utf8'));
  // ruleid: ssrf-request-url
  await fetch(message.resource.notificationUrl, { method: 'POST' });
  // ok: ssrf-request-url
  await fetch(`${process.env.NOTIFY_URL}/events/${message.resource.id}`, { method: 'POST', body: JSON.stringify(message) });
  res.status(204).send();
}

// Fastify: request.query / request.body
export async function fastifyHandler(request: FastifyRequest<{ Querystring: { target: string } }>, reply: FastifyReply) {
  // ruleid: ssrf-request-url
  const answer = await got(request.query.target);
  // ok: ssrf-request-url
  const safe = await got(`${config.catalogUrl}/products/${request.query.target}`);
  return reply.send({ answer: answer.body, safe: safe.body });
}

// an outgoing request built here is not the incoming one, whatever its name
export async function callPsp(url: string, payload: object): Promise<Response> {
  const request = { method: 'POST', body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } };
  const target = `${url}?${request.body}`;
  // ok: ssrf-request-url
  return fetch(target, request);
}
