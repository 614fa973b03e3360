/**
 * The demo service on 127.0.0.1: one route per circuit that calls its downstream through the
 * breaker, the live page, `/breakers` and `/metrics`.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CallNotPermittedError } from '@fluxgate/core';
import type { Registry } from 'prom-client';
import type { CircuitSpec } from './circuits.js';
import type { DemoSnapshot } from './snapshot.js';

/** The live page: plain HTML and JavaScript, served as is (no build step). */
export const PAGE = path.join(__dirname, '../../public/index.html');

export interface ServiceContext {
  circuits: readonly CircuitSpec[];
  /** The URL each circuit's route calls. */
  downstreamUrl(circuit: string): string;
  registry: Registry;
  snapshot(): DemoSnapshot;
}

/** Thrown by {@link startService} when the port is taken: the message says what to do. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(readonly port: number) {
    const next = port < 65_535 ? port + 1 : 3001;
    super(
      `port ${port} on 127.0.0.1 is already in use (another demo?): choose another one with ` +
        `--port ${next} (or PORT=${next}), or --port 0 for any free port`,
    );
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(`${JSON.stringify(body, null, 2)}\n`);
}

/**
 * `Retry-After` in whole seconds from the breaker's `retryAfter` (ms), rounded up. A call
 * refused in half_open has no retry time (the circuit is probing): one second is a fair hint.
 * `Infinity` (a `Never` retry, or forced open) gets no header: nobody knows when.
 */
export function retryAfterSeconds(retryAfter: number | undefined): number | undefined {
  if (retryAfter === undefined) return 1;
  if (!Number.isFinite(retryAfter)) return undefined;
  return Math.max(1, Math.ceil(retryAfter / 1_000));
}

/** Calls the circuit's downstream through its breaker and answers the client. */
async function proxy(circuit: CircuitSpec, url: string, response: ServerResponse): Promise<void> {
  try {
    const upstream = await circuit.breaker.call(() =>
      fetch(url, { signal: AbortSignal.timeout(circuit.timeout) }),
    );
    const body = await upstream.text();
    response.writeHead(upstream.ok ? 200 : 502, { 'content-type': 'application/json' });
    response.end(body);
  } catch (error) {
    if (CallNotPermittedError.is(error)) {
      // Fail fast: the downstream is not called, and the client learns when to come back.
      const seconds = retryAfterSeconds(error.retryAfter);
      response.writeHead(503, {
        'content-type': 'application/json',
        ...(seconds === undefined ? {} : { 'retry-after': String(seconds) }),
      });
      response.end(
        JSON.stringify({
          error: 'circuit_open',
          circuit: error.circuitName,
          state: error.state,
          retryAfterMs: error.retryAfter ?? null,
        }),
      );
      return;
    }
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    sendJson(response, timedOut ? 504 : 502, {
      error: timedOut ? 'downstream_timeout' : 'downstream_unreachable',
      circuit: circuit.name,
    });
  }
}

async function handle(
  context: ServiceContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const circuit = context.circuits.find((c) => c.route === pathname);
  if (circuit) {
    await proxy(circuit, context.downstreamUrl(circuit.name), response);
    return;
  }
  switch (pathname) {
    case '/':
    case '/index.html':
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(await readFile(PAGE));
      return;
    case '/favicon.ico':
      response.writeHead(204).end();
      return;
    case '/breakers':
      sendJson(response, 200, context.snapshot());
      return;
    case '/metrics':
      response.writeHead(200, { 'content-type': context.registry.contentType });
      response.end(await context.registry.metrics());
      return;
    default:
      sendJson(response, 404, {
        error: 'not_found',
        routes: ['/', '/breakers', '/metrics', ...context.circuits.map((c) => c.route)],
      });
  }
}

export interface Service {
  readonly url: string;
  readonly port: number;
  /**
   * Settles when no request is being handled any more (or after `timeout` ms), so that the
   * outcomes of the last calls reach the breakers before the run is summed up.
   */
  drain(timeout: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the demo service on 127.0.0.1:`port`.
 *
 * @throws PortInUseError when the port is taken
 */
export async function startService(context: ServiceContext, port: number): Promise<Service> {
  let handling = 0;
  let idle: (() => void) | undefined;
  const server: Server = createServer((request, response) => {
    handling++;
    handle(context, request, response)
      .catch((error: unknown) => {
        if (!response.headersSent) sendJson(response, 500, { error: String(error) });
        else response.destroy();
      })
      .finally(() => {
        if (--handling === 0) idle?.();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error);
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    drain: (timeout) =>
      new Promise<void>((resolve) => {
        if (handling === 0) return resolve();
        const timer = setTimeout(resolve, timeout);
        idle = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
