/**
 * The heartbeat spread over slices: each client is pinged once per period, by
 * the slice it got when it connected, and cut only when it missed its own
 * previous ping.
 */
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { ClientHub, type DisconnectReason } from '../../../services/websocket/client-hub.js';

/** Just what the hub uses of a socket. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  /** The socket is its own stream here: nothing is ever queued. */
  readonly writableLength = 0;
  pings = 0;
  terminated = false;
  write(): boolean {
    return true;
  }
  ping(): void {
    this.pings++;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close');
  }
  close(): void {
    this.terminate();
  }
}

function hubWith(count: number) {
  const cut: DisconnectReason[] = [];
  const hub = new ClientHub({ maxBufferedBytes: 1024, slowCloseGraceMs: 1000 }, { disconnected: (_u, reason) => cut.push(reason) });
  const sockets = Array.from({ length: count }, (_, i) => {
    const socket = new FakeSocket();
    hub.add(socket as unknown as WebSocket, socket, `user-${i % 3}`, Date.now() + 3_600_000);
    return socket;
  });
  return { hub, sockets, cut };
}

describe('the sliced heartbeat', () => {
  it('pings every client exactly once over one period of slices', () => {
    const { hub, sockets } = hubWith(10);
    for (let slice = 0; slice < 3; slice++) hub.heartbeat(slice, 3);
    expect(sockets.map((s) => s.pings)).toEqual(Array(10).fill(1));
  });

  it('pings only the clients of the slice it is called for', () => {
    const { hub, sockets } = hubWith(6);
    hub.heartbeat(1, 3);
    expect(sockets.map((s) => s.pings)).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('cuts a client that did not answer its previous ping at its next slice, and keeps one that did', () => {
    const { hub, sockets, cut } = hubWith(4);
    for (let slice = 0; slice < 2; slice++) hub.heartbeat(slice, 2);
    sockets[1]!.emit('pong');
    sockets[0]!.emit('pong');
    sockets[3]!.emit('pong');
    for (let slice = 0; slice < 2; slice++) hub.heartbeat(slice, 2);
    expect(sockets.map((s) => s.terminated)).toEqual([false, false, true, false]);
    expect(cut).toEqual(['heartbeat']);
    expect(hub.size).toBe(3);
  });

  it('checks every client on each call without slices, as before', () => {
    const { hub, sockets } = hubWith(5);
    hub.heartbeat();
    expect(sockets.map((s) => s.pings)).toEqual(Array(5).fill(1));
  });

  it('keeps the slices of the remaining clients when others leave', () => {
    const { hub, sockets } = hubWith(6);
    sockets[0]!.terminate();
    sockets[2]!.terminate();
    hub.heartbeat(1, 2);
    expect(sockets.map((s) => s.pings)).toEqual([0, 1, 0, 1, 0, 1]);
  });
});
