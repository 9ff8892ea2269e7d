import * as ws from 'ws';
import { textFrames } from '../../src/server/websocket-frames.js';

/** ws's sender (exported by ws, left out of @types/ws). */
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] } };

/** ws's own framing of one server-to-client text message (unmasked, FIN). */
function wsFrame(text: Buffer): Buffer {
  return Buffer.concat(Sender.frame(text, { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }));
}

describe('pre-built WebSocket frames', () => {
  it('frame each message exactly as ws does, for 7-bit, 16-bit and 64-bit payload lengths, back to back', () => {
    const head = Buffer.from('{"id":"8d1f","type":"next","payload":');
    const tails = [10, 200, 65_000, 70_000].map((n) => Buffer.from(`{"data":"${'é'.repeat(Math.floor(n / 2))}"}}`));
    const expected = Buffer.concat(tails.map((tail) => wsFrame(Buffer.concat([head, tail]))));
    expect(textFrames(head, tails).equals(expected)).toBe(true);
  });
});
