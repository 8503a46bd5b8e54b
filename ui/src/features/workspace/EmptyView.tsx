// Honest placeholders for the views whose features are not built yet: they
// say that the view is not built, what is planned, and where to go meanwhile;
// they show nothing invented and never blame missing data.
import type { ViewKey } from "../../App";

type EmptyProps = { title: string; text: string; testId: string };

export const EMPTY_VIEWS: Record<Exclude<ViewKey, "leads" | "import" | "segments" | "streams">, EmptyProps> = {
  insights: {
    title: "Insights",
    text:
      "Insights is not built yet. It is planned to show, for each segment, how many leads it covers, " +
      "how segments overlap, and their conversion and engagement. Until then, the Segments view counts " +
      "each segment's members, and a stream's Plan tab shows who would receive what, and when.",
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
