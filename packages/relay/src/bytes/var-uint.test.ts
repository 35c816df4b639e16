import * as encoding from 'lib0/encoding';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { taggedMessage, varUintBytes, writeVarUint } from './var-uint.js';

const seed = Number(process.env.CONCORD_VAR_UINT_SEED ?? Date.now() % 1_000_000);

describe('var-uints written by hand', () => {
  console.info(`var-uint property seed ${seed} (replay with CONCORD_VAR_UINT_SEED=${seed})`);
  it('are the bytes lib0 writes, at the length they claim', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(0, 127, 128, 16_383, 16_384, 2 ** 32 - 1, Number.MAX_SAFE_INTEGER)), (value) => {
        const expected = encoding.encode((encoder) => encoding.writeVarUint(encoder, value));
        const written = new Uint8Array(varUintBytes(value));
        expect(writeVarUint(written, 0, value)).toBe(written.byteLength);
        expect(written).toEqual(expected);
      }),
      { seed },
    );
  });

  it('frame a y-protocols message as lib0 does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 127 }), { maxLength: 3 }), fc.uint8Array({ maxLength: 20_000 }), (tags, payload) => {
        const expected = encoding.encode((encoder) => {
          for (const tag of tags) encoding.writeVarUint(encoder, tag);
          encoding.writeVarUint8Array(encoder, payload);
        });
        expect(new Uint8Array(taggedMessage(tags, payload))).toEqual(expected);
      }),
      { seed },
    );
  });
});
