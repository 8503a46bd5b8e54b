// The lead detail panel's "Score" section: under the active scoring model,
// the lead's fit, engagement and total, its grade and band, and "Why this
// score": every rule that gave or took points, with the events behind a
// behaviour rule, their dates and their decayed points.
import { formatDate } from "../../lib/format";
import { useScoreExplanation, useScoringModels } from "../../lib/queries";

const points = (n: number) => (Math.round(n * 100) / 100).toLocaleString("en", { maximumFractionDigits: 2 });

export function LeadScore({ leadId }: { leadId: number }) {
  const models = useScoringModels();
  const active = models.data?.find((m) => m.is_active) ?? null;
  const explanation = useScoreExplanation(leadId, active?.id ?? null, active !== null);
  if (!active) return null;
  const why = explanation.data;
  return (
    <section className="lead-score" data-testid="detail-score" aria-labelledby="lead-score-title">
      <h3 id="lead-score-title">
        Score <span className="muted">({active.name})</span>
      </h3>
      {explanation.error && (
        <p className="rule-error">{String((explanation.error as { message?: string }).message ?? explanation.error)}</p>
      )}
      {!why && !explanation.error && <p className="muted">Scoring…</p>}
      {why && (
        <>
          <dl>
            <div className="kv">
              <dt>Total</dt>
              <dd data-testid="detail-score-total">{points(why.score.total)}</dd>
            </div>
            <div className="kv">
              <dt>Fit · engagement</dt>
              <dd data-testid="detail-score-parts">
                {points(why.score.fit)} · {points(why.score.engagement)}
              </dd>
            </div>
            <div className="kv">
              <dt>Grade · band</dt>
              <dd>
                <span data-testid="detail-score-grade">{why.grade}</span> ·{" "}
                <span data-testid="detail-score-band">{why.band}</span>
              </dd>
            </div>
          </dl>
          <details data-testid="detail-score-why">
            <summary>Why this score</summary>
            {why.rules.length === 0 && <p className="muted">No rule gives this lead points.</p>}
            <ul className="lead-score-rules">
              {why.rules.map((rule) => (
                <li key={rule.rule} data-testid="detail-score-rule" data-points={rule.points}>
                  <strong>{points(rule.points)}</strong> {rule.label}{" "}
                  <span className="muted">
                    ({rule.kind}
                    {rule.capped ? ", capped" : ""})
                  </span>
                  {rule.events.length > 0 && (
                    <ul className="lead-score-events">
                      {rule.events.map((event, i) => (
                        <li key={i}>
                          {formatDate(new Date(event.at * 1000).toISOString())} · {points(event.points)} points
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
    </section>
  );
}
