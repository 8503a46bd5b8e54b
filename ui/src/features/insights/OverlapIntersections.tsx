// The largest exact combinations of three or more chosen segments, UpSet
// style: a dot per chosen segment (filled when the combination has it), a
// bar and the count of leads in exactly those segments. Each opens the
// segment builder on "in these and in none of the other chosen segments".
import type { OverlapReport } from "../../bindings/OverlapReport";
import { formatCount } from "../../lib/format";
import { navigate } from "../../lib/navigation";
import { exactName, exactRules } from "./overlapModel";

export function OverlapIntersections({ report }: { report: OverlapReport }) {
  const counted = report.segments.filter((s) => s.count !== null);
  const names = new Map(counted.map((s) => [s.id, s.name]));
  const largest = Math.max(1, ...report.intersections.map((i) => i.count));
  if (report.intersections.length === 0) {
    return (
      <p className="muted" data-testid="overlap-intersections">
        No lead is in three or more of these segments.
      </p>
    );
  }
  return (
    <div data-testid="overlap-intersections">
      <p className="muted small">
        Leads in exactly these segments and in none of the other chosen ones; the {report.intersections.length} largest
        of {formatCount(report.combinations_of_three_or_more)} combinations.
      </p>
      <table className="overlap-upset">
        <thead>
          <tr>
            <th scope="col">Leads</th>
            <th scope="col">Segments</th>
            <th scope="col">
              <span className="overlap-hidden">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {report.intersections.map((intersection) => {
            const members = new Set(intersection.segment_ids);
            const memberNames = intersection.segment_ids.map((id) => names.get(id) ?? `#${id}`);
            const key = intersection.segment_ids.join("-");
            return (
              <tr key={key} data-testid="overlap-intersection" data-count={intersection.count}>
                <td className="num overlap-upset-count">
                  <span className="overlap-bar" style={{ width: `${(intersection.count / largest) * 100}%` }} />
                  <span>{formatCount(intersection.count)}</span>
                </td>
                <td>
                  <span className="overlap-dots" aria-hidden="true">
                    {counted.map((s) => (
                      <span
                        key={s.id}
                        className={members.has(s.id) ? "overlap-dot on" : "overlap-dot"}
                        style={members.has(s.id) ? { background: s.color } : undefined}
                        title={s.name}
                      />
                    ))}
                  </span>
                  {memberNames.join(" + ")}
                </td>
                <td>
                  <button
                    type="button"
                    className="link"
                    aria-label={`Open the ${formatCount(intersection.count)} leads in exactly ${memberNames.join(", ")} in the segment builder`}
                    onClick={() =>
                      navigate({
                        view: "segments",
                        name: exactName(memberNames),
                        rules: exactRules(
                          intersection.segment_ids,
                          counted.map((s) => s.id),
                        ),
                      })
                    }
                  >
                    Open
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
