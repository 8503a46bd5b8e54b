import { describe, expect, it, vi } from "vitest";
import type { LeadPage } from "../bindings/LeadPage";
import { PAGE_SIZE, PageCache } from "./pageCache";

function fakeBackend(total: number) {
  return vi.fn(async (offset: number, limit: number): Promise<LeadPage> => {
    const rows = [];
    for (let i = offset; i < Math.min(offset + limit, total); i++)
      rows.push({ id: i + 1, cells: [`lead ${i}`], stand_in_name: null });
    return { total: offset === 0 ? total : null, offset, rows };
  });
}

describe("PageCache", () => {
  it("fetches a page once and serves rows from it", async () => {
    const fetchPage = fakeBackend(250);
    const onChange = vi.fn();
    const cache = new PageCache(fetchPage, onChange, () => {});
    expect(cache.row(150)).toBeUndefined();
    expect(cache.row(160)).toBeUndefined();
    await cache.load(1);
    expect(fetchPage).toHaveBeenCalledTimes(1);
    expect(fetchPage).toHaveBeenCalledWith(PAGE_SIZE, PAGE_SIZE);
    expect(cache.row(150)?.cells[0]).toBe("lead 150");
    expect(cache.total).toBeNull();
    expect(onChange).toHaveBeenCalledTimes(1);
    await cache.load(0);
    expect(cache.total).toBe(250);
  });

  it("reports errors and lets the page be retried", async () => {
    const onError = vi.fn();
    let fail = true;
    const cache = new PageCache(
      async (offset) => {
        if (fail) throw new Error("disk on fire");
        return { total: offset === 0 ? 1 : null, offset, rows: [{ id: 1, cells: [], stand_in_name: null }] };
      },
      () => {},
      onError,
    );
    await cache.load(0);
    expect(onError).toHaveBeenCalledOnce();
    fail = false;
    await cache.load(0);
    expect(cache.row(0)?.id).toBe(1);
  });
});
