import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpPost } from '../../../services/lib/http-post.js';

describe('httpPost', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ method?: string; type?: string; length?: string; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method, type: req.headers['content-type'], length: req.headers['content-length'], body });
        if (req.url === '/slow') return; // never answers
        if (req.url === '/big') return void res.writeHead(500).end('x'.repeat(10_000));
        res.writeHead(req.url === '/missing' ? 404 : 204).end(req.url === '/missing' ? 'no such pub/sub' : undefined);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts the body with its headers and length, and answers the status', async () => {
    const body = JSON.stringify({ title: 'Buy groceries ✓' });
    expect(await httpPost(`${url}/ok`, body, { headers: { 'content-type': 'application/json' }, timeoutMs: 5000 })).toEqual({
      status: 204,
      body: '',
    });
    expect(seen.at(-1)).toEqual({ method: 'POST', type: 'application/json', length: String(Buffer.byteLength(body)), body });
  });

  it('resolves on an error status with the body text, cut at maxBodyBytes', async () => {
    expect(await httpPost(`${url}/missing`, '{}', { timeoutMs: 5000 })).toEqual({ status: 404, body: 'no such pub/sub' });
    expect(await httpPost(`${url}/big`, '{}', { timeoutMs: 5000, maxBodyBytes: 100 })).toEqual({ status: 500, body: 'x'.repeat(100) });
  });

  it('rejects with the time it waited when no answer comes in time', async () => {
    await expect(httpPost(`${url}/slow`, '{}', { timeoutMs: 200 })).rejects.toThrow('no complete answer within 200 ms');
  });

  it('rejects when nothing listens', async () => {
    await expect(httpPost('http://127.0.0.1:1/x', '{}', { timeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
  });
});
