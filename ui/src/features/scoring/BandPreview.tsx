// The editor's live preview: leads per band under the saved model and under
// the edit ("before → after"), how many leads change band, and the largest
// moves between bands, recounted a moment after each edit.
import type { BandChanges } from "../../bindings/BandChanges";
import { formatCount } from "../../lib/format";

type Props = { changes: BandChanges | null; pending: boolean; blocked: boolean };

export function BandPreview({ changes, pending, blocked }: Props) {
  return (
    <section className="score-preview" aria-labelledby="score-preview-title" data-testid="score-preview">
      <h3 id="score-preview-title">
        Before saving: leads per band{" "}
        <span className="muted" aria-live="polite" data-testid="score-preview-state">
          {blocked ? "(fix the problems below to see the counts)" : pending ? "(counting…)" : ""}
        </span>
      </h3>
      {changes && (
        <>
          <table className="score-table" data-testid="score-preview-table">
            <thead>
              <tr>
                <th scope="col">Band</th>
                {changes.has_before && <th scope="col">Saved model</th>}
                <th scope="col">{changes.has_before ? "As edited" : "Leads"}</th>
              </tr>
            </thead>
            <tbody>
              {changes.bands.map((band) => (
                <tr key={band.band} data-testid={`score-preview-band-${band.band}`}>
                  <th scope="row">{band.band}</th>
                  {changes.has_before && <td data-testid="score-preview-before">{formatCount(band.before)}</td>}
                  <td data-testid="score-preview-after">
                    {changes.has_before && band.before !== band.after ? (
                      <strong>
                        {formatCount(band.after)} ({band.after > band.before ? "+" : "−"}
                        {formatCount(Math.abs(band.after - band.before))})
                      </strong>
                    ) : (
                      formatCount(band.after)
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p data-testid="score-preview-changed" aria-live="polite">
            {changes.has_before ? (
              <>
                <strong>{formatCount(changes.changed)}</strong> of {formatCount(changes.leads)} leads change band
                {changes.moves.length > 0 &&
                  `: ${changes.moves
                    .slice(0, 3)
                    .map((m) => `${formatCount(m.leads)} ${m.from} → ${m.to}`)
                    .join(", ")}${changes.moves.length > 3 ? ", …" : ""}`}
              </>
            ) : (
              <>A new model: {formatCount(changes.leads)} leads would get a band when it is saved.</>
            )}
          </p>
        </>
      )}
    </section>
  );
}
