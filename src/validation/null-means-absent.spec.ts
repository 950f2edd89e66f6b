import { withoutNulls } from './null-means-absent.js';

describe('withoutNulls', () => {
  it('drops null properties, nested ones too, and keeps everything else as it is', () => {
    const since = { offset: 3, epoch: null };
    expect(
      withoutNulls({ channel: 'a:b', since, clientId: null, n: 0, s: '', f: false, list: [null] }),
    ).toEqual({ channel: 'a:b', since: { offset: 3 }, n: 0, s: '', f: false, list: [null] });
    // A copy: the payload as received is left alone.
    expect(since).toEqual({ offset: 3, epoch: null });
  });

  it('leaves the kept properties untouched, null included', () => {
    const data = { inner: null };
    const result = withoutNulls({ data, idempotencyKey: null, other: { data: null } }, ['data']);
    expect(result).toEqual({ data: { inner: null }, other: {} });
    expect(result.data).toBe(data);
    expect(withoutNulls({ data: null }, ['data'])).toEqual({ data: null });
  });
});
