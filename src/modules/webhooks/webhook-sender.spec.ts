import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callReceiver } from './webhook-sender';

describe('callReceiver', () => {
  let server: Server;
  let base: string;
  let answer: (req: IncomingMessage, res: ServerResponse, body: string) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => answer(req, res, body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const call = (url: string, extra: Partial<Parameters<typeof callReceiver>[0]> = {}) =>
    callReceiver({
      url,
      headers: { 'webhook-id': 'msg_1' },
      body: '{"a":1}',
      timeoutMs: 2000,
      allowPrivateNetworks: true,
      ...extra,
    });

  it('posts the body with its headers and keeps the start of the answer', async () => {
    let seen: { headers: IncomingMessage['headers']; body: string } | undefined;
    answer = (req, res, body) => {
      seen = { headers: req.headers, body };
      res.writeHead(503, { 'retry-after': '30' }).end('x'.repeat(5000));
    };
    const outcome = await call(`${base}/hook`);
    expect(seen).toMatchObject({
      body: '{"a":1}',
      headers: { 'webhook-id': 'msg_1', 'content-type': 'application/json' },
    });
    expect(outcome).toMatchObject({ statusCode: 503, retryAfter: '30' });
    expect(outcome.responseHead).toBe('x'.repeat(1024));
  });

  it('does not follow a redirect', async () => {
    let calls = 0;
    answer = (req, res) => {
      calls++;
      res.writeHead(302, { location: `${base}/elsewhere` }).end();
    };
    expect(await call(`${base}/hook`)).toMatchObject({ statusCode: 302 });
    expect(calls).toBe(1);
  });

  it('gives up after the timeout', async () => {
    answer = () => undefined; // never answers
    const outcome = await call(`${base}/slow`, { timeoutMs: 300 });
    expect(outcome).toMatchObject({ error: 'no answer within 0.3 s' });
    expect(outcome.statusCode).toBeUndefined();
  });

  it('refuses private addresses unless allowed, for names as for literal addresses', async () => {
    answer = (req, res) => res.writeHead(200).end();
    const port = new URL(base).port;
    expect(await call(`${base}/hook`, { allowPrivateNetworks: false })).toMatchObject({
      permanent: true,
      error: expect.stringContaining('loopback or private'),
    });
    expect(await call(`http://localhost:${port}/hook`, { allowPrivateNetworks: false })).toMatchObject({
      permanent: true,
      error: expect.stringContaining('WEBHOOK_ALLOW_PRIVATE_NETWORKS'),
    });
    expect(await call(`http://localhost:${port}/hook`)).toMatchObject({ statusCode: 200 });
  });

  it('reports a refused connection as a retryable error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await call(`http://127.0.0.1:${port}/`);
    expect(outcome.error).toMatch(/ECONNREFUSED/);
    expect(outcome.permanent).toBeUndefined();
  });
});
