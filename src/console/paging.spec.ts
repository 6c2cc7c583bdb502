import { paging } from './paging';

describe('paging', () => {
  it('links the pages before and after, keeping the filters that are set', () => {
    const sut = paging('/console/users', { q: 'ada', type: undefined }, { limit: 20, offset: 20, total: 57 });
    expect(sut).toEqual({
      from: 21,
      to: 40,
      total: 57,
      previous: '/console/users?q=ada',
      next: '/console/users?q=ada&offset=40',
    });
  });

  it('has no links on a single page, and counts nothing when nothing matches', () => {
    expect(paging('/console/clients', {}, { limit: 20, offset: 0, total: 0 })).toEqual({
      from: 0,
      to: 0,
      total: 0,
      previous: undefined,
      next: undefined,
    });
  });
});
