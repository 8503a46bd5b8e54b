// One segment's recorded reviews, newest first: date, decision, the
// numbers of that day and the note.
import { useReviews } from "../../lib/queries";

export function ReviewHistory({ segmentId, name }: { segmentId: number; name: string }) {
  const reviews = useReviews(segmentId);
  const list = reviews.data ?? [];
  if (reviews.isLoading) return <p className="muted">Loading reviews…</p>;
  if (list.length === 0) return <p className="muted">{name} has no recorded review yet.</p>;
  return (
    <table className="review-history" data-testid="review-history">
      <caption className="muted">Reviews of {name}, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Decision</th>
          <th scope="col">Members</th>
          <th scope="col">Conversion (90 d)</th>
          <th scope="col">Engagement (30 d)</th>
          <th scope="col">Note</th>
        </tr>
      </thead>
      <tbody>
        {list.map((r) => (
          <tr key={r.id}>
            <td>{r.date}</td>
            <td>{r.decision}</td>
            <td>{r.numbers.members.toLocaleString("en-US")}</td>
            <td>{r.numbers.conversion_rate.toFixed(1)}%</td>
            <td>{r.numbers.engagement_rate.toFixed(1)}%</td>
            <td>{r.note}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
