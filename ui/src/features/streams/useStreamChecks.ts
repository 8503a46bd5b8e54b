// What the backend says about the stream being drawn: its problems, 300 ms
// after the last edit, and the content library ordered for its entry
// segments. Each is a query per stream as drawn, so only the answer for the
// latest drawing is ever shown.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";

import type { ContentItem } from "../../bindings/ContentItem";
import type { StreamProblem } from "../../bindings/StreamProblem";
import { ipc } from "../../lib/ipc";
import { queryKeys, useStreamProblems } from "../../lib/queries";
import { blankDefinition } from "./streamGraph";
import { useDebounced } from "../../lib/useDebounced";

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

type Checked = { problems: StreamProblem[]; stream: string; key: string };

/**
 * The problems of the stream as drawn (`streamJson`) in the stream opened as `openedKey`, and the drawing they
 * were found for. Problems found for another opened stream are never shown on this one.
 */
export function useStreamProblemCheck(openedKey: string, streamJson: string) {
  // The stream and which opened stream it belongs to travel together through the debounce.
  const debounced = useDebounced(JSON.stringify({ key: openedKey, stream: streamJson }), 300);
  const { key, stream } = JSON.parse(debounced) as { key: string; stream: string };
  const query = useStreamProblems(stream);
  const [checked, setChecked] = useState<Checked>({ problems: [], stream: "", key: "" });
  useEffect(() => {
    if (query.isFetching) return;
    if (query.isSuccess) setChecked({ problems: query.data, stream, key });
    else if (query.isError) setChecked({ problems: [{ node_id: null, message: message(query.error) }], stream, key });
  }, [query.isFetching, query.isSuccess, query.isError, query.data, query.error, stream, key]);
  const problems = useMemo(() => (checked.key === openedKey ? checked.problems : []), [checked, openedKey]);
  return { problems, checkedStream: checked.key === openedKey ? checked.stream : "" };
}

/** The library with the items that suit the entry segments' audience first, as the backend orders and marks it. */
export function useSuitedContent(entrySegments: number[], content: ContentItem[]) {
  const entry = useDebounced(JSON.stringify(entrySegments), 300);
  const query = useQuery({
    queryKey: queryKeys.contentSuggestions(JSON.parse(entry) as number[]),
    queryFn: () => ipc.contentSuggestions({ ...blankDefinition(), entry_segments: JSON.parse(entry) as number[] }),
    placeholderData: keepPreviousData,
  });
  return useMemo(
    () =>
      query.data && !query.isError
        ? {
            suited: query.data.filter((s) => s.suits).map((s) => s.item),
            others: query.data.filter((s) => !s.suits).map((s) => s.item),
          }
        : { suited: [] as ContentItem[], others: content },
    [query.data, query.isError, content],
  );
}
