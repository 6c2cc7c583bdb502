/** What a listing page shows of where it is: "21–40 of 57", and links to the pages before and after. */
export function paging(path: string, filters: Record<string, string | undefined>, page: PageOf) {
  const { limit, offset, total } = page;
  const link = (at: number) => {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
    if (at > 0) query.set('offset', String(at));
    const search = query.toString();
    return search ? `${path}?${search}` : path;
  };
  return {
    from: total === 0 ? 0 : Math.min(offset + 1, total),
    to: Math.min(offset + limit, total),
    total,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : undefined,
    next: offset + limit < total ? link(offset + limit) : undefined,
  };
}

export interface PageOf {
  limit: number;
  offset: number;
  total: number;
}
