// Honest empty states for the views whose features are not built yet: they
// say what will be here, and show nothing invented.
import type { ViewKey } from "../../App";

type EmptyProps = { title: string; text: string; testId: string };

export const EMPTY_VIEWS: Record<Exclude<ViewKey, "leads" | "import" | "segments" | "streams">, EmptyProps> = {
  insights: {
    title: "Insights",
    text: "Nothing to analyse yet. Coverage, overlaps, conversion and engagement per segment will appear here once segments exist.",
    testId: "empty-insights",
  },
};

export function EmptyView({ title, text, testId }: EmptyProps) {
  return (
    <div className="empty-state" data-testid={testId}>
      <h2>{title}</h2>
      <p>{text}</p>
    </div>
  );
}
