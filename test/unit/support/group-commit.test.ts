import { GroupCommitQueue, QueueFullError, type Outcome } from '../../../src/support/group-commit';

/** A flush that waits until the test lets it finish, recording the batches it was given. */
function gatedFlush() {
  const batches: number[][] = [];
  let release: () => void = () => {};
  const gate = () => new Promise<void>((r) => (release = r));
  let next = gate();
  const flush = async (items: number[]): Promise<Outcome<number>[]> => {
    batches.push(items);
    await next;
    next = gate();
    return items.map((v) => ({ ok: true, value: v * 10 }));
  };
  return { flush, batches, release: () => release() };
}

describe('GroupCommitQueue', () => {
  it('when items arrive while a flush runs, then they go together into the next flush, in order', async () => {
    const g = gatedFlush();
    const q = new GroupCommitQueue(g.flush);
    const first = q.push(1);
    const rest = [q.push(2), q.push(3), q.push(4)];
    await new Promise((r) => setImmediate(r));
    g.release();
    expect(await first).toBe(10);
    await new Promise((r) => setImmediate(r));
    g.release();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(g.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('when maxPending items already wait, then a further push is refused at once with the overload error and the waiting ones still complete', async () => {
    const g = gatedFlush();
    const q = new GroupCommitQueue(g.flush, { maxPending: 2, overloaded: () => new QueueFullError() });
    const inFlight = q.push(1); // taken by the running flush
    await new Promise((r) => setImmediate(r));
    const waiting = [q.push(2), q.push(3)];
    expect(q.size).toBe(2);
    await expect(q.push(4)).rejects.toBeInstanceOf(QueueFullError);
    g.release();
    expect(await inFlight).toBe(10);
    await new Promise((r) => setImmediate(r));
    g.release();
    expect(await Promise.all(waiting)).toEqual([20, 30]);
    // Room again once the queue drained.
    const later = q.push(5);
    await new Promise((r) => setImmediate(r));
    g.release();
    expect(await later).toBe(50);
  });

  it('when a flush throws, then every item of that batch rejects with its error and the next batch still runs', async () => {
    let calls = 0;
    const q = new GroupCommitQueue<number, number>(async (items) => {
      calls++;
      if (calls === 1) throw new Error('database gone');
      return items.map((v) => ({ ok: true, value: v }));
    });
    await expect(q.push(1)).rejects.toThrow('database gone');
    expect(await q.push(2)).toBe(2);
  });
});
