import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake Slack received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body. */
  readonly raw: string;
  /** The body parsed as JSON (`undefined` when it is not JSON). */
  readonly body: Record<string, unknown>;
  /** The `ts` the fake answered with (API path, default answer only). */
  ts?: string;
}

/** How to answer one request. */
export type Reply =
  | {
      status?: number;
      headers?: Record<string, string>;
      /** Leaves out the `Date` header Node's server adds by itself. */
      noDate?: true;
      json?: unknown;
      text?: string;
      delay?: Promise<void>;
    }
  | 'hang';

/**
 * A real HTTP server on 127.0.0.1 standing in for Slack. It records every request and answers
 * with the queued replies in order, then with Slack's success answer: `{ ok: true, ts }` with
 * a fresh `ts` on the API path, `ok` as text on a webhook path (`/services/...`).
 */
export class FakeSlack {
  readonly requests: RecordedRequest[] = [];
  private readonly replies: Reply[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private readonly waiting: { count: number; resolve: () => void }[] = [];
  private seq = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeSlack> {
    const server = createServer();
    const fake = new FakeSlack(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on(
        'end',
        () =>
          void fake.answer(
            req.method ?? '',
            req.url ?? '',
            req.headers,
            Buffer.concat(chunks).toString('utf8'),
            res,
          ),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The URL of `path` on this server. */
  url(path = '/api/chat.postMessage'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Resolves once the server has received `count` requests in all. */
  received(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ count, resolve }));
  }

  /** Queues replies for the next requests. */
  reply(...replies: Reply[]): void {
    this.replies.push(...replies);
  }

  /** The parsed bodies received so far. */
  get bodies(): Record<string, unknown>[] {
    return this.requests.map((r) => r.body);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    raw: string,
    res: ServerResponse,
  ): Promise<void> {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      body = {};
    }
    const request: RecordedRequest = { method, path, headers, raw, body };
    this.requests.push(request);
    for (const waiter of this.waiting.filter((w) => this.requests.length >= w.count)) {
      this.waiting.splice(this.waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
    const reply = this.replies.shift();
    if (reply === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (reply?.delay) await reply.delay;
    if (
      reply !== undefined &&
      (reply.json !== undefined || reply.text !== undefined || reply.status !== undefined)
    ) {
      const isJson = reply.json !== undefined;
      if (reply.noDate) res.sendDate = false;
      res.writeHead(reply.status ?? 200, {
        'content-type': isJson ? 'application/json' : 'text/plain',
        ...reply.headers,
      });
      res.end(isJson ? JSON.stringify(reply.json) : (reply.text ?? ''));
      return;
    }
    if (path.startsWith('/services/')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    request.ts = `1700000000.${String(++this.seq).padStart(6, '0')}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, channel: 'C0123456789', ts: request.ts, message: {} }));
  }
}

/** A port nothing listens on: one the system just gave out and took back. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
