/**
 * Updates are framed once per update and the same bytes written to every
 * socket of the user, and the frame is one `ws` decodes as the text it holds.
 */
import { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import * as wsModule from 'ws';
import type { WebSocket } from 'ws';
import { ClientHub } from '../../../services/websocket/client-hub.js';
import { encodeTextFrame } from '../../../services/websocket/text-frame.js';

/** `ws`'s frame parser: the package exports it, its type definitions leave it out. */
const { Receiver } = wsModule as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => Writable;
};

/** A WebSocket that is open, over a stream that records what is written to it. */
class RecordingSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  writableLength = 0;
  readonly written: Buffer[] = [];
  write(frame: Buffer): boolean {
    this.written.push(frame);
    return true;
  }
  send(): void {
    throw new Error('updates must not be framed again per socket');
  }
}

/** The messages `ws`'s own parser (client side: frames from a server are unmasked) reads from `bytes`. */
function decodedBy(bytes: Buffer): string[] {
  const messages: string[] = [];
  const receiver = new Receiver({ isServer: false, maxPayload: 1 << 20 });
  receiver.on('message', (data: Buffer, isBinary: boolean) => messages.push(`${isBinary ? 'binary' : 'text'}:${data.toString()}`));
  receiver.write(bytes);
  return messages;
}

describe('shared update frames', () => {
  it("writes one frame, the same Buffer, to every socket of the update's user and none to others", () => {
    const hub = new ClientHub({ maxBufferedBytes: 1024, slowCloseGraceMs: 1000 });
    const sockets = Array.from({ length: 4 }, (_, i) => {
      const socket = new RecordingSocket();
      hub.add(socket as unknown as WebSocket, socket, i < 3 ? 'alice' : 'bob', Date.now() + 60_000);
      return socket;
    });
    expect(hub.deliver('alice', '{"seq":1}')).toBe(3);
    const [first] = sockets[0]!.written;
    expect(sockets.map((s) => s.written.length)).toEqual([1, 1, 1, 0]);
    expect(sockets[1]!.written[0]).toBe(first);
    expect(sockets[2]!.written[0]).toBe(first);
    expect(decodedBy(first!)).toEqual(['text:{"seq":1}']);
  });

  it.each([0, 125, 126, 65_535, 65_536])('encodes a %i-byte message so that ws reads it back as that text', (length) => {
    const text = 'é'.repeat(Math.floor(length / 2)) + 'x'.repeat(length % 2);
    expect(Buffer.byteLength(text)).toBe(length);
    expect(decodedBy(encodeTextFrame(text))).toEqual([`text:${text}`]);
    expect(decodedBy(encodeTextFrame(Buffer.from(text)))).toEqual([`text:${text}`]);
  });

  it('uses the shortest length field the payload fits (7, 16 or 64 bits) and never masks', () => {
    expect([...encodeTextFrame('x'.repeat(125)).subarray(0, 2)]).toEqual([0x81, 125]);
    expect([...encodeTextFrame('x'.repeat(126)).subarray(0, 4)]).toEqual([0x81, 126, 0, 126]);
    expect([...encodeTextFrame('x'.repeat(65_536)).subarray(0, 10)]).toEqual([0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  });
});
