// A cache of lead pages for the virtualised table: rows are fetched from the
// backend a page at a time as they scroll into view, and each page is asked
// for once. A new query (sort, search, columns) means a new cache. The total
// comes with the first page only.
import type { LeadPage } from "../bindings/LeadPage";
import type { LeadRow } from "../bindings/LeadRow";

export const PAGE_SIZE = 100;

export type FetchPage = (offset: number, limit: number) => Promise<LeadPage>;

export class PageCache {
  private pages = new Map<number, LeadRow[]>();
  private pending = new Set<number>();
  total: number | null = null;

  constructor(
    private readonly fetchPage: FetchPage,
    private readonly onChange: () => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The row at `index`, or undefined while its page loads (the load starts now). */
  row(index: number): LeadRow | undefined {
    const page = Math.floor(index / PAGE_SIZE);
    const rows = this.pages.get(page);
    if (rows) return rows[index - page * PAGE_SIZE];
    this.load(page);
    return undefined;
  }

  /** Loads the page holding `index` if it is not loaded or loading. */
  load(page: number): Promise<void> {
    if (this.pages.has(page) || this.pending.has(page)) return Promise.resolve();
    this.pending.add(page);
    return this.fetchPage(page * PAGE_SIZE, PAGE_SIZE)
      .then((result) => {
        this.pages.set(page, result.rows);
        if (result.total !== null) this.total = result.total;
        this.onChange();
      })
      .catch(this.onError)
      .finally(() => this.pending.delete(page));
  }
}
