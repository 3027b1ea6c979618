/**
 * WebSocket clients of the latency bench, in worker threads of their own: at
 * 10,000 clients the messages they receive (10,000 a second) would otherwise
 * share one event loop with the publishing loop, and its queueing would count
 * as the service's latency. Each worker connects a range of the clients,
 * records when every update arrives at each of them (`process.hrtime`, one
 * clock for every thread and process of the machine) and hands the arrival
 * times back at the end.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { WebSocket } from 'ws';

/** What a worker is asked to do. */
export interface ClientRange {
  /** `ws://host:port/ws`. */
  readonly url: string;
  /** One token per user; client `n` is user `floor(n / perUser)`'s. */
  readonly tokens: readonly string[];
  readonly perUser: number;
  /** Clients `from … to - 1`. */
  readonly from: number;
  readonly to: number;
  /** Updates that will be published: arrival slots are `seq * perUser + client of the user`. */
  readonly updates: number;
}

/** Now, in ms, on the machine-wide monotonic clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The task id is the update's sequence number + 1; finding it in the text spares parsing every message. */
function sequenceOf(text: string): number {
  const at = text.indexOf('"task":{"id":');
  return at === -1 ? -1 : parseInt(text.slice(at + 13, at + 24), 10) - 1;
}

type FromParent = { readonly type: 'connect'; readonly range: ClientRange } | { readonly type: 'finish' };
type FromWorker =
  | { readonly type: 'connected' }
  | { readonly type: 'arrivals'; readonly arrivals: Float64Array }
  | { readonly type: 'error'; readonly message: string };

async function runWorker(): Promise<void> {
  const port = parentPort!;
  const sockets: WebSocket[] = [];
  let arrivals = new Float64Array(0);
  port.on('message', async (message: FromParent) => {
    if (message.type === 'finish') {
      for (const socket of sockets) socket.terminate();
      port.postMessage({ type: 'arrivals', arrivals } satisfies FromWorker, [arrivals.buffer]);
      return;
    }
    const { url, tokens, perUser, from, to, updates } = message.range;
    arrivals = new Float64Array(updates * perUser).fill(Number.NaN);
    try {
      // In groups of 100, so the service accepts them without a thundering herd.
      for (let n = from; n < to; n += 100) {
        const group = Array.from(
          { length: Math.min(100, to - n) },
          (_, k) =>
            new Promise<void>((resolve, reject) => {
              const client = (n + k) % perUser;
              const socket = new WebSocket(`${url}?token=${tokens[Math.floor((n + k) / perUser)]}`, { perMessageDeflate: false });
              socket.once('open', () => {
                sockets.push(socket);
                resolve();
              });
              socket.once('error', reject);
              socket.on('message', (data: Buffer) => {
                const seq = sequenceOf(data.toString('latin1'));
                if (seq >= 0 && seq < updates) arrivals[seq * perUser + client] = nowMs();
              });
            }),
        );
        await Promise.all(group);
      }
      port.postMessage({ type: 'connected' } satisfies FromWorker);
    } catch (error) {
      port.postMessage({ type: 'error', message: (error as Error).message } satisfies FromWorker);
    }
  });
}

/** A worker thread holding a range of clients. */
export class ClientWorker {
  private readonly worker: Worker;
  private readonly messages: FromWorker[] = [];
  private readonly waiting: Array<(message: FromWorker) => void> = [];

  constructor() {
    // The worker runs this same module (through the bench's loader, inherited with execArgv).
    this.worker = new Worker(new URL(import.meta.url), { workerData: { websocketClients: true } });
    this.worker.on('message', (message: FromWorker) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(message);
      else this.messages.push(message);
    });
    this.worker.on('error', (error) => {
      const waiter = this.waiting.shift();
      waiter?.({ type: 'error', message: error.message });
    });
  }

  private next(): Promise<FromWorker> {
    const message = this.messages.shift();
    return message ? Promise.resolve(message) : new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Connects the range; resolves once every client is open. */
  async connect(range: ClientRange): Promise<void> {
    this.worker.postMessage({ type: 'connect', range } satisfies FromParent);
    const reply = await this.next();
    if (reply.type !== 'connected')
      throw new Error(`websocket clients ${range.from}-${range.to}: ${reply.type === 'error' ? reply.message : reply.type}`);
  }

  /** Closes the clients and returns their arrival times (NaN: never arrived). */
  async finish(): Promise<Float64Array> {
    this.worker.postMessage({ type: 'finish' } satisfies FromParent);
    const reply = await this.next();
    await this.worker.terminate();
    if (reply.type !== 'arrivals') throw new Error(`websocket clients: ${reply.type === 'error' ? reply.message : reply.type}`);
    return reply.arrivals;
  }

  /** Ends the worker without waiting for results. Idempotent. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

const { isMainThread, workerData } = await import('node:worker_threads');
if (!isMainThread && (workerData as { websocketClients?: boolean } | undefined)?.websocketClients) await runWorker();
