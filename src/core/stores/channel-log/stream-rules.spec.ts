import type { Publication } from '@switchboard/protocol';
import { newEpoch, recoverFrom } from './stream-rules.js';

const pub = (offset: number): Publication => ({
  channel: 'c:x',
  event: 'e',
  offset,
  epoch: 'E',
  data: null,
  ts: 0,
});
const top = { offset: 5, epoch: 'E' };

describe('recoverFrom', () => {
  it('recovers when every offset after since is stored', () => {
    expect(recoverFrom(top, { offset: 3, epoch: 'E' }, [pub(4), pub(5)])).toEqual({
      ...top,
      recovered: true,
      publications: [pub(4), pub(5)],
    });
  });

  it('recovers with nothing at the top, even with no history left', () => {
    expect(recoverFrom(top, { offset: 5, epoch: 'E' }, [])).toEqual({
      ...top,
      recovered: true,
      publications: [],
    });
  });

  it.each([
    ['another epoch', { offset: 3, epoch: 'F' }, [pub(4), pub(5)]],
    ['a trimmed gap', { offset: 2, epoch: 'E' }, [pub(4), pub(5)]],
    ['a position beyond the top', { offset: 6, epoch: 'E' }, []],
    ['a negative offset', { offset: -1, epoch: 'E' }, [pub(1), pub(2), pub(3), pub(4), pub(5)]],
    ['a fractional offset', { offset: 3.5, epoch: 'E' }, [pub(4), pub(5)]],
  ])('does not recover from %s', (_name, since, stored) => {
    expect(recoverFrom(top, since, stored)).toEqual({ ...top, recovered: false });
  });
});

describe('newEpoch', () => {
  it('names a non-empty, fresh epoch each time', () => {
    const epochs = new Set(Array.from({ length: 100 }, newEpoch));
    expect(epochs.size).toBe(100);
    for (const epoch of epochs) expect(epoch).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });
});
