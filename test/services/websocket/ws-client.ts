/** A test WebSocket client that records what it receives, with bounded waits. */
import type { Socket } from 'node:net';
import { WebSocket, type ClientOptions } from 'ws';

export interface Refusal {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

export class TestClient {
  readonly messages: unknown[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()));
      this.notify();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.notify();
    });
    socket.on('error', () => undefined);
  }

  /** Opens `url` and resolves once open; rejects with the HTTP refusal when the upgrade is refused. */
  static connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, options);
      socket.once('open', () => resolve(new TestClient(socket)));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          reject(
            Object.assign(new Error(`refused ${response.statusCode}`), { status: response.statusCode, body, headers: response.headers }),
          ),
        );
      });
      socket.once('error', reject);
    });
  }

  /** The refusal of an upgrade that must fail. */
  static async refusal(url: string, options: ClientOptions = {}): Promise<Refusal> {
    try {
      const client = await TestClient.connect(url, options);
      client.socket.terminate();
    } catch (error) {
      const { status, body, headers } = error as Refusal;
      if (status !== undefined) return { status, body, headers };
      throw error;
    }
    throw new Error(`upgrade to ${url} was accepted`);
  }

  /** The TCP socket under the client; pausing it makes the client a slow reader. */
  get tcp(): Socket {
    return (this.socket as unknown as { _socket: Socket })._socket;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when `condition` holds, rejects after `timeoutMs`. */
  async until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what} (have ${this.messages.length} messages, closed: ${JSON.stringify(this.closed)})`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForMessages(count: number, timeoutMs?: number): Promise<void> {
    return this.until(() => this.messages.length >= count, `${count} messages`, timeoutMs);
  }

  async waitForClose(timeoutMs?: number): Promise<{ code: number; reason: string }> {
    await this.until(() => this.closed !== undefined, 'close', timeoutMs);
    return this.closed!;
  }

  close(): void {
    this.socket.terminate();
  }
}
