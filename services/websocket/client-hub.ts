/**
 * The connected WebSocket clients, grouped by user, and everything that ends
 * a connection from the server side: slow readers, missed heartbeats, expired
 * tokens and shutdown.
 *
 * Delivery is synchronous: `deliver` queues the message on each of the user's
 * sockets before it returns, so the order in which the consumer hands over
 * updates (partition order, hence per-user order) is the order every client
 * receives them. A socket whose unsent queue would pass its bound is closed
 * instead of being waited for: one stalled reader never delays the others.
 *
 * The bound is enforced when an update is queued, not only before a send: an
 * update that would take a socket's unsent queue (`bufferedAmount`: bytes the
 * process holds that the kernel has not taken yet) past `maxBufferedBytes`,
 * or the queues of all sockets together past `maxTotalBufferedBytes`, is not
 * queued; that socket is cut as slow. A socket with nothing queued always
 * gets the update, so one large update never cuts a client that keeps up, and
 * the memory held is at most the bound plus one update per socket. The total
 * is the sum of each socket's queue as last seen, refreshed whenever an
 * update is queued on it and whenever one of its writes completes.
 *
 * An update is framed once (`encodeTextFrame`) and the same Buffer written to
 * the TCP socket under each of its user's WebSockets, not sent through
 * `ws.send`, which frames it again per socket. That is safe because `ws`
 * itself only writes control frames here (ping, pong, close), each in one
 * synchronous call, and queues nothing of its own without compression
 * (which the endpoint does not negotiate): frames never interleave.
 */
import type { WebSocket } from 'ws';
import { encodeTextFrame } from './text-frame.js';

/**
 * Close codes the service sends. 4000-4999 are for applications (RFC 6455
 * §7.4.2); 4401 and 4408 mirror HTTP 401 and 408 so clients can tell "log in
 * again" from "reconnect".
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-7.4
 */
export const CLOSE_CODES = {
  /** The token expired while connected: get a new one, then reconnect. */
  tokenExpired: 4401,
  /** The client read too slowly; its queue passed the bound. Reconnecting is fine. */
  slowConsumer: 4408,
  /** The server is shutting down (RFC 6455 "going away"). */
  goingAway: 1001,
} as const;

/** Why the server ended a connection (metric label). */
export type DisconnectReason = 'slow' | 'heartbeat' | 'expired' | 'shutdown' | 'client';

export interface ClientHubOptions {
  /** Unsent bytes a socket may hold; an update that would pass it makes the client slow. */
  readonly maxBufferedBytes: number;
  /** Unsent bytes all sockets together may hold; an update that would pass it makes its (already behind) client slow. @default no bound */
  readonly maxTotalBufferedBytes?: number;
  /** Time a closed slow client gets to finish the closing handshake before it is destroyed. */
  readonly slowCloseGraceMs: number;
}

/** Where the hub reports what happens (metrics, logs). */
export interface ClientHubObserver {
  connected?(userId: string): void;
  disconnected?(userId: string, reason: DisconnectReason): void;
  sent?(count: number): void;
}

function ignoreError(): void {}

/** What the hub uses of the stream a WebSocket runs on (a `net.Socket` in the service). */
export interface FrameSink {
  write(frame: Buffer, written: () => void): unknown;
  /** Bytes written and not yet taken by the kernel. */
  readonly writableLength: number;
}

interface Client {
  readonly socket: WebSocket;
  /** The stream under `socket`: updates go straight to it, already framed. */
  readonly stream: FrameSink;
  readonly userId: string;
  /** Token expiry, ms since the epoch. */
  readonly expiresAtMs: number;
  /** Answered the last ping. */
  alive: boolean;
  /** The server already decided to end it (the reason is counted once). */
  ending: boolean;
  /** The socket's unsent bytes as last seen (its share of the hub's total). */
  queued: number;
  /** Left the hub: its write callbacks no longer count. */
  removed: boolean;
  /** Which heartbeat slice pings it (see `heartbeat`). */
  readonly slice: number;
}

export class ClientHub {
  private readonly byUser = new Map<string, Set<Client>>();
  private readonly clients = new Map<WebSocket, Client>();
  private queuedTotal = 0;
  /** Counts connections, giving each its heartbeat slice. */
  private nextSlice = 0;
  private readonly onPong: (this: WebSocket) => void;
  private readonly onClose: (this: WebSocket) => void;

  constructor(
    private readonly options: ClientHubOptions,
    private readonly observer: ClientHubObserver = {},
    private readonly clock: () => number = Date.now,
  ) {
    const clients = this.clients;
    const remove = (client: Client) => this.remove(client, 'client');
    this.onPong = function (this: WebSocket) {
      const client = clients.get(this);
      if (client) client.alive = true;
    };
    this.onClose = function (this: WebSocket) {
      const client = clients.get(this);
      if (client) remove(client);
    };
  }

  /** Connected clients. */
  get size(): number {
    return this.clients.size;
  }

  /** Unsent bytes of every socket, as last seen. */
  get bufferedBytes(): number {
    return this.queuedTotal;
  }

  /** Connected clients of one user. */
  clientsOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /**
   * Registers an authenticated socket of `userId` whose token expires at
   * `expiresAtMs`; `stream` is the one `socket` runs on (the socket the
   * upgrade handed to `ws`).
   */
  add(socket: WebSocket, stream: FrameSink, userId: string, expiresAtMs: number): void {
    const slice = this.nextSlice++;
    const client: Client = { socket, stream, userId, expiresAtMs, alive: true, ending: false, queued: 0, removed: false, slice };
    this.clients.set(socket, client);
    let sockets = this.byUser.get(userId);
    if (!sockets) this.byUser.set(userId, (sockets = new Set()));
    sockets.add(client);
    // Listeners shared by every socket (`this` is the socket), not three closures per client: 10,000 clients.
    socket.on('pong', this.onPong);
    socket.on('close', this.onClose);
    // A socket error (reset by peer) is followed by 'close'; without a listener it would crash the process.
    socket.on('error', ignoreError);
    this.observer.connected?.(userId);
  }

  /**
   * Queues `message` (a serialized update) on every socket of `userId`, in
   * call order, cutting the sockets it would not fit (see the module comment).
   * Returns how many sockets it was queued on.
   */
  deliver(userId: string, message: string | Buffer): number {
    const sockets = this.byUser.get(userId);
    if (!sockets) return 0;
    const frame = encodeTextFrame(message);
    const bytes = frame.length;
    const { maxBufferedBytes, maxTotalBufferedBytes = Infinity } = this.options;
    // One callback per update, not per socket: whichever of its writes completes refreshes the user's queued sockets.
    const written = () => {
      for (const client of sockets) if (client.queued > 0) this.refresh(client);
    };
    let sent = 0;
    for (const client of sockets) {
      if (client.ending || client.socket.readyState !== client.socket.OPEN) continue;
      const buffered = this.refresh(client);
      if (buffered > 0 && (buffered + bytes > maxBufferedBytes || this.queuedTotal + bytes > maxTotalBufferedBytes)) {
        this.end(client, 'slow', CLOSE_CODES.slowConsumer, 'too slow: the unsent queue passed its bound');
        continue;
      }
      client.stream.write(frame, written);
      this.refresh(client);
      sent++;
    }
    if (sent > 0) this.observer.sent?.(sent);
    return sent;
  }

  /**
   * One heartbeat: ends clients that did not answer the previous ping or whose
   * token expired, pings the rest. With `slices` > 1 only the clients of
   * `slice` (each client keeps the slice it got when it connected), so a
   * period's pings are spread over `slices` calls: 10,000 pings at once held
   * the event loop for half a second and every update behind it.
   */
  heartbeat(slice = 0, slices = 1): void {
    const now = this.clock();
    for (const client of this.clients.values()) {
      if (client.ending || client.slice % slices !== slice) continue;
      if (client.expiresAtMs <= now) {
        this.end(client, 'expired', CLOSE_CODES.tokenExpired, 'token expired');
      } else if (!client.alive) {
        client.ending = true;
        this.observer.disconnected?.(client.userId, 'heartbeat');
        client.socket.terminate();
      } else {
        client.alive = false;
        client.socket.ping();
      }
    }
  }

  /** Closes every client with 1001 "going away", destroying those that do not finish within the grace period. */
  closeAll(graceMs: number): void {
    for (const client of this.clients.values()) {
      if (!client.ending) this.end(client, 'shutdown', CLOSE_CODES.goingAway, 'server shutting down', graceMs);
    }
  }

  private end(client: Client, reason: DisconnectReason, code: number, text: string, graceMs = this.options.slowCloseGraceMs): void {
    client.ending = true;
    this.observer.disconnected?.(client.userId, reason);
    client.socket.close(code, text);
    // The close frame waits behind the unsent queue; a client that never reads it must not keep the memory.
    setTimeout(() => client.socket.terminate(), graceMs).unref();
  }

  /** Takes the socket's unsent bytes into the total again; returns them. */
  private refresh(client: Client): number {
    if (client.removed) return 0;
    const buffered = client.stream.writableLength;
    this.queuedTotal += buffered - client.queued;
    client.queued = buffered;
    return buffered;
  }

  private remove(client: Client, reason: DisconnectReason): void {
    if (!this.clients.delete(client.socket)) return;
    client.removed = true;
    this.queuedTotal -= client.queued;
    client.queued = 0;
    const sockets = this.byUser.get(client.userId);
    sockets?.delete(client);
    if (sockets?.size === 0) this.byUser.delete(client.userId);
    if (!client.ending) this.observer.disconnected?.(client.userId, reason);
  }
}
