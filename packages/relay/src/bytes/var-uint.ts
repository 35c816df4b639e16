// lib0's var-uint (7 bits per byte, low bits first, high bit set on every byte but the last), written by hand into
// buffers sized in advance: lib0's growing encoder allocates a 100-byte buffer, then a larger one, then the result.

/** Bytes `value` takes as a lib0 var-uint. */
export function varUintBytes(value: number): number {
  let bytes = 1;
  for (let rest = value; rest > 0x7f; rest = Math.floor(rest / 0x80)) bytes++;
  return bytes;
}

/** Writes `value` as a lib0 var-uint at `offset`; returns the offset after it. */
export function writeVarUint(target: Uint8Array, offset: number, value: number): number {
  let rest = value;
  while (rest > 0x7f) {
    target[offset++] = 0x80 | (rest & 0x7f);
    rest = Math.floor(rest / 0x80);
  }
  target[offset++] = rest;
  return offset;
}

/**
 * A y-protocols message: `tags` (each under 128, so one byte), then `payload` as a var-uint8-array, in one exact-size
 * Buffer (what `encoding.writeVarUint` per tag and `encoding.writeVarUint8Array` produce).
 */
export function taggedMessage(tags: readonly number[], payload: Uint8Array): Buffer {
  const message = Buffer.allocUnsafe(tags.length + varUintBytes(payload.byteLength) + payload.byteLength);
  tags.forEach((tag, i) => (message[i] = tag));
  message.set(payload, writeVarUint(message, tags.length, payload.byteLength));
  return message;
}
