// textFrame builds the same bytes as ws's own framing of a server text message, at every length class.
import t from 'tap';
import * as ws from 'ws';
import { textFrame } from '../src/index.js';

// ws's framing classes (exported at run time, not by @types/ws).
interface WsInternals {
  Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] };
  Receiver: new (options: { isServer: boolean }) => NodeJS.WritableStream & { on(ev: string, fn: (...a: never[]) => void): void };
}
const { Sender, Receiver } = ws as unknown as WsInternals;

t.test('textFrame matches ws framing and round-trips through a ws receiver', async (t) => {
  for (const n of [0, 1, 125, 126, 127, 1000, 65_535, 65_536, 70_000]) {
    const text = 'é'.repeat(Math.floor(n / 2)) + 'x'.repeat(n % 2); // multi-byte UTF-8: lengths are bytes
    const ours = textFrame(text);
    const theirs = Buffer.concat(Sender.frame(Buffer.from(text), { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }));
    t.same(ours, theirs, `${Buffer.byteLength(text)} bytes: identical frame`);
    const got = await new Promise<string>((resolve, reject) => {
      const r = new Receiver({ isServer: false });
      r.on('message', (data: Buffer, binary: boolean) => (binary ? reject(new Error('binary')) : resolve(data.toString())));
      r.on('error', reject);
      r.write(ours);
    });
    t.equal(got, text);
  }
});
