import { createServer, Server } from 'node:http';
import { AppOptions, createRequestListener } from './http-app';

export const MAX_BODY_BYTES = 1024 * 1024;

/** The port Connect assigns (`PORT`, 8080 by default). */
export function portFrom(value: string | undefined): number {
  const port = Number(value);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : 8080;
}

/** Starts the HTTP server and closes it cleanly when the platform sends SIGTERM. */
export function startServer(options: AppOptions, port: number): Server {
  const server = createServer(createRequestListener(options));
  server.listen(port, () => {
    options.logger.info('server listening', { port });
  });
  const shutdown = (signal: string): void => {
    options.logger.info('shutting down', { signal });
    server.close(() => process.exit(0));
    // Do not hang on keep-alive connections past the platform's grace period.
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return server;
}
