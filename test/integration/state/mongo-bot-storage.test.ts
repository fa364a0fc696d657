/**
 * The bot state storage on the real MongoDB-protocol server: eTags hold with two writers on two
 * connections (two service instances) racing one conversation's state.
 */
import mongoose, { type Connection } from 'mongoose';
import { MemoryStorage, type Storage } from 'botbuilder';
import { MongoBotStorage } from '../../../channels/state/mongo-bot-storage';
import { testDbUri } from '../../support/db';

let a: Connection;
let b: Connection;

beforeAll(async () => {
  const uri = testDbUri();
  a = await mongoose.createConnection(uri).asPromise();
  b = await mongoose.createConnection(uri).asPromise();
});

afterAll(async () => {
  await a.dropDatabase().catch(() => undefined);
  await a.close();
  await b.close();
});

describe.each([
  ['MongoBotStorage', () => new MongoBotStorage(a)],
  ['MemoryStorage (reference)', () => new MemoryStorage()],
])('%s semantics', (_name, make: () => Storage) => {
  it('when an item is written, read, rewritten with its eTag and deleted, then each step behaves like botbuilder expects', async () => {
    const s = make();
    const key = `conv/${Math.random()}`;
    expect(await s.read([key])).toEqual({});
    await s.write({ [key]: { n: 1, 'dotted.key': 'x', $dollar: 'y' } });
    const first = (await s.read([key]))[key]!;
    expect(first).toMatchObject({ n: 1, 'dotted.key': 'x', $dollar: 'y' });
    expect(typeof first.eTag).toBe('string');
    await s.write({ [key]: { ...first, n: 2 } });
    const second = (await s.read([key]))[key]!;
    expect(second.n).toBe(2);
    expect(second.eTag).not.toBe(first.eTag);
    // The stale eTag now fails; `*` always writes.
    await expect(s.write({ [key]: { ...first, n: 3 } })).rejects.toThrow(/eTag conflict/);
    await s.write({ [key]: { ...first, n: 4, eTag: '*' } });
    expect((await s.read([key]))[key]!.n).toBe(4);
    await s.delete([key]);
    expect(await s.read([key])).toEqual({});
    await s.write({ [key]: { n: 5 } });
    expect((await s.read([key]))[key]!.n).toBe(5);
  });
});

describe('two instances racing one conversation', () => {
  it('when two writers on two connections write with the same eTag, then exactly one wins, every round', async () => {
    const key = 'directline/conversations/race-1/';
    const s1 = new MongoBotStorage(a);
    const s2 = new MongoBotStorage(b);
    await s1.write({ [key]: { turn: 0 } });
    let wins = 0;
    for (let round = 1; round <= 40; round++) {
      const [r1, r2] = await Promise.all([s1.read([key]), s2.read([key])]);
      expect(r1[key]!.eTag).toBe(r2[key]!.eTag);
      const results = await Promise.allSettled([
        s1.write({ [key]: { ...r1[key], turn: round, by: 'one' } }),
        s2.write({ [key]: { ...r2[key], turn: round, by: 'two' } }),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      expect(ok).toBe(1);
      wins += ok;
      const after = (await s2.read([key]))[key]!;
      expect(after.turn).toBe(round);
      const winner = results[0]!.status === 'fulfilled' ? 'one' : 'two';
      expect(after.by).toBe(winner);
    }
    expect(wins).toBe(40);
  });

  it('when 20 writers race with one eTag, then one wins and the losers can retry from a fresh read without losing an update', async () => {
    const key = 'directline/conversations/race-2/';
    const stores = Array.from({ length: 20 }, (_, i) => new MongoBotStorage(i % 2 ? a : b));
    await stores[0]!.write({ [key]: { count: 0 } });
    // Each writer adds 1 with optimistic retries: the final count must be exactly 20 (no lost update).
    await Promise.all(
      stores.map(async (s) => {
        for (;;) {
          const cur = (await s.read([key]))[key]!;
          try {
            await s.write({ [key]: { ...cur, count: (cur.count as number) + 1 } });
            return;
          } catch (err) {
            if (!/eTag conflict/.test((err as Error).message)) throw err;
          }
        }
      }),
    );
    const fresh = new MongoBotStorage(a);
    expect((await fresh.read([key]))[key]!.count).toBe(20);
  });

  it('when one instance writes many versions, then a new instance with no cache reads the newest and old versions are pruned', async () => {
    const key = 'emulator/conversations/long/';
    const s = new MongoBotStorage(a);
    for (let i = 1; i <= 100; i++) {
      const cur = (await s.read([key]))[key];
      await s.write({ [key]: { ...(cur ?? {}), i } });
    }
    const other = new MongoBotStorage(b);
    const item = (await other.read([key]))[key]!;
    expect(item.i).toBe(100);
    expect(item.eTag).toBe('100');
    // Versions more than 32 behind the newest are deleted every 16 versions.
    const kept = await a.collection('bot_state').countDocuments({ key });
    expect(kept).toBeLessThanOrEqual(48);
    expect(kept).toBeGreaterThanOrEqual(32);
  });

  it('when an instance trusts its cache and another instance wrote meanwhile, then its write fails as a conflict and its next read is fresh', async () => {
    const key = 'webchat/conversations/cached/';
    const cached = new MongoBotStorage(a, { trustCache: true });
    const other = new MongoBotStorage(b);
    await cached.write({ [key]: { turn: 1 } });
    const mine = (await cached.read([key]))[key]!;
    const theirs = (await other.read([key]))[key]!;
    await other.write({ [key]: { ...theirs, turn: 2, by: 'other' } });
    // The cache may be stale on read (that is the trade), but it cannot overwrite the newer version.
    const stale = (await cached.read([key]))[key]!;
    expect(stale.turn).toBe(1);
    await expect(cached.write({ [key]: { ...stale, turn: 3, by: 'cached' } })).rejects.toThrow(/eTag conflict/);
    const fresh = (await cached.read([key]))[key]!;
    expect(fresh).toMatchObject({ turn: 2, by: 'other' });
    await cached.write({ [key]: { ...fresh, turn: 3, by: 'cached' } });
    expect((await other.read([key]))[key]).toMatchObject({ turn: 3, by: 'cached' });
    void mine;
  });

  it('when another instance erases a conversation (a customer\'s erasure), then no version of it is left, and an instance holding it in its cache cannot write it back', async () => {
    const key = 'wechat/conversations/erased/';
    const cached = new MongoBotStorage(a, { trustCache: true });
    for (let i = 1; i <= 40; i++) {
      const cur = (await cached.read([key]))[key];
      await cached.write({ [key]: { ...(cur ?? {}), i, said: `secret ${i}` } });
    }
    const eraser = new MongoBotStorage(b);
    const kept = await a.collection('bot_state').countDocuments({ key });
    expect(await eraser.erase(key)).toBe(kept);
    const left = await a.collection('bot_state').find({ key }).toArray();
    expect(left.map((d) => d.json)).toEqual(['{}']);
    // The cached instance still holds version 40 and writes on from it: refused, then it reads the empty one.
    const stale = (await cached.read([key]))[key]!;
    expect(stale.said).toBe('secret 40');
    await expect(cached.write({ [key]: { ...stale, i: 41 } })).rejects.toThrow(/eTag conflict/);
    const fresh = (await cached.read([key]))[key]!;
    expect(fresh).toEqual({ eTag: '41' });
    await cached.write({ [key]: { ...fresh, i: 1 } });
    expect((await new MongoBotStorage(b).read([key]))[key]).toEqual({ i: 1, eTag: '42' });
    // Again (versions 41 and 42 go), and a key never written is nothing to erase.
    expect(await eraser.erase(key)).toBe(2);
    expect(await eraser.erase('wechat/conversations/never/')).toBe(0);
  });
});
