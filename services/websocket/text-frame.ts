/**
 * A server-to-client WebSocket text message as the bytes that go on the
 * wire: one final, unmasked text frame (RFC 6455 §5.2). The hub encodes each
 * update once and writes the same Buffer to every socket of its user, where
 * `ws.send` would frame it again for each of them (a header, a two-chunk
 * corked write and their bookkeeping per socket: ten times per update at ten
 * sockets a user).
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-5.2
 */

/** FIN set, RSV1-3 clear, opcode 0x1 (text). */
const FINAL_TEXT_FRAME = 0x81;
/** Payload lengths up to this fit the 7-bit length field. */
const MAX_SHORT_LENGTH = 125;
/** Length field values meaning "a 16-bit length follows" and "a 64-bit length follows". */
const LENGTH_16 = 126;
const LENGTH_64 = 127;

/** The frame of one text message; `message` must be UTF-8 text (a string always is). */
export function encodeTextFrame(message: string | Buffer): Buffer {
  const length = typeof message === 'string' ? Buffer.byteLength(message, 'utf8') : message.length;
  const headerBytes = length <= MAX_SHORT_LENGTH ? 2 : length <= 0xffff ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = FINAL_TEXT_FRAME;
  // The mask bit (0x80 of the second byte) stays clear: a server must not mask (§5.1).
  if (headerBytes === 2) {
    frame[1] = length;
  } else if (headerBytes === 4) {
    frame[1] = LENGTH_16;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = LENGTH_64;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  if (typeof message === 'string') frame.write(message, headerBytes, 'utf8');
  else message.copy(frame, headerBytes);
  return frame;
}
