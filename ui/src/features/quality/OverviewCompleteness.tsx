// The Overview's completeness section: per segmentation type, a bar per
// field (filled and empty shares, @nivo/bar), with its numbers in a table
// (the chart's text equivalent); and the mostly-empty fields with the saved
// segments whose rules on them can never match those leads.
import { ResponsiveBar } from "@nivo/bar";

import type { CategoryCompleteness } from "../../bindings/CategoryCompleteness";
import type { EmptyFieldImpact } from "../../bindings/EmptyFieldImpact";
import { CATEGORY_LABELS, formatCount } from "../../lib/format";
import { isMostlyEmpty, sharePercent } from "./overviewFormat";

type Datum = { key: string; label: string; Filled: number; Empty: number };

const ROW_HEIGHT = 24;
const FILLED_COLOR = "#0f766e";
const EMPTY_COLOR = "#d7dae3";

function CategoryChart({ category }: { category: CategoryCompleteness }) {
  const name = CATEGORY_LABELS[category.category] ?? category.category;
  // nivo draws the first datum at the bottom: reverse to keep catalogue order top-down.
  const data: Datum[] = category.fields
    .map((f) => ({
      key: f.key,
      label: f.label,
      Filled: Math.round((1 - f.empty_share) * 1000) / 10,
      Empty: Math.round(f.empty_share * 1000) / 10,
    }))
    .reverse();
  const summary = `${name} fields: share of leads with a value in each; the table below lists the same numbers.`;
  return (
    <figure className="overview-chart">
      <div style={{ height: data.length * ROW_HEIGHT + 44 }}>
        <ResponsiveBar<Datum>
          data={data}
          keys={["Filled", "Empty"]}
          indexBy="label"
          layout="horizontal"
          margin={{ top: 4, right: 16, bottom: 36, left: 170 }}
          padding={0.25}
          valueScale={{ type: "linear", min: 0, max: 100 }}
          colors={({ id }) => (id === "Filled" ? FILLED_COLOR : EMPTY_COLOR)}
          enableLabel={false}
          enableGridY={false}
          enableGridX
          isInteractive={false}
          animate={false}
          role="img"
          ariaLabel={summary}
          axisLeft={{ tickSize: 0, tickPadding: 8 }}
          axisBottom={{ format: (v) => `${v}%`, tickSize: 4, tickValues: [0, 25, 50, 75, 100] }}
          theme={{ text: { fill: "#1f2333", fontSize: 12 } }}
          markers={[
            {
              axis: "x",
              value: 50,
              lineStyle: { stroke: "#5d6279", strokeWidth: 1, strokeDasharray: "4 3" },
            },
          ]}
        />
      </div>
    </figure>
  );
}

function CategorySection({ category }: { category: CategoryCompleteness }) {
  const name = CATEGORY_LABELS[category.category] ?? category.category;
  const id = `completeness-${category.category}`;
  return (
    <section className="overview-category" aria-labelledby={id} data-testid={`quality-category-${category.category}`}>
      <h4 id={id}>
        {name}{" "}
        <span className="muted">
          {category.fields.length === 0 ? "no fields" : `${sharePercent(category.filled_share)} filled`}
        </span>
      </h4>
      {category.fields.length > 0 && (
        <>
          <CategoryChart category={category} />
          <details>
            <summary>Numbers for {name.toLowerCase()} fields</summary>
            <table className="overview-table">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col" className="num">
                    Filled
                  </th>
                  <th scope="col" className="num">
                    Empty
                  </th>
                  <th scope="col" className="num">
                    Empty share
                  </th>
                </tr>
              </thead>
              <tbody>
                {category.fields.map((f) => (
                  <tr
                    key={f.key}
                    data-testid={`quality-field-${f.key}`}
                    className={isMostlyEmpty(f) ? "mostly-empty" : ""}
                  >
                    <th scope="row">{f.label}</th>
                    <td className="num">{formatCount(f.filled)}</td>
                    <td className="num">{formatCount(f.empty)}</td>
                    <td className="num" data-testid={`quality-field-${f.key}-empty-share`}>
                      {sharePercent(f.empty_share)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}

export function MostlyEmptyFields({ impacts }: { impacts: EmptyFieldImpact[] }) {
  return (
    <section className="overview-mostly-empty" aria-labelledby="mostly-empty-title" data-testid="quality-mostly-empty">
      <h3 id="mostly-empty-title">Mostly empty fields</h3>
      {impacts.length === 0 ? (
        <p className="muted">Every field has a value for at least half the leads.</p>
      ) : (
        <ul>
          {impacts.map((impact) => (
            <li key={impact.key} data-testid={`quality-mostly-empty-${impact.key}`}>
              <strong>{impact.label}</strong> is empty for {sharePercent(impact.empty_share)} of leads (
              {formatCount(impact.empty)}):{" "}
              {impact.segments.length === 0 ? (
                <span className="muted">no saved segment has a rule on it.</span>
              ) : (
                <>
                  rules on it can never match those leads, in{" "}
                  {impact.segments.map((s, i) => (
                    <span key={s.id}>
                      {i > 0 ? ", " : ""}“{s.name}”
                    </span>
                  ))}
                  .
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function Completeness({ categories }: { categories: CategoryCompleteness[] }) {
  return (
    <section className="overview-completeness" aria-labelledby="completeness-title" data-testid="quality-completeness">
      <h3 id="completeness-title">Completeness by segmentation type</h3>
      <p className="muted">
        The share of leads with a value in each field (teal filled, grey empty; the dashed line marks half).
      </p>
      <div className="overview-categories">
        {categories.map((c) => (
          <CategorySection key={c.category} category={c} />
        ))}
      </div>
    </section>
  );
}
