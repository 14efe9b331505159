import { formatMs } from "./format";
import type { RunTrace } from "./queries";
import { ScrollRegion } from "./ScrollRegion";

type Stage = NonNullable<RunTrace["run"]>["stages"][number];

/**
 * The turn's stages as a waterfall: one row per stage, its bar placed where it started and as long
 * as it lasted (stages of a group run side by side, indented under it). The bars are SVG attributes,
 * not inline styles (the CSP allows none); the numbers are in the table cells themselves.
 * Runs recorded before start offsets were kept lay their stages end to end.
 */
export function StageWaterfall({ stages, totalMs }: { stages: Stage[]; totalMs: number | null }) {
  let cursor = 0;
  const placed = stages.map((stage) => {
    const start = stage.startMs ?? cursor;
    if (stage.startMs === null && !stage.group) cursor += stage.ms;
    return { ...stage, start };
  });
  const span = Math.max(totalMs ?? 0, ...placed.map((s) => s.start + s.ms), 1);
  const pct = (ms: number) => Math.max(0, Math.min(100, (ms / span) * 100));
  return (
    <ScrollRegion label="Stage timings">
      <table className="table waterfall">
        <caption className="visually-hidden">Stages of the turn, in the order they started</caption>
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col" className="num">
              Starts at
            </th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col" className="waterfall-bar-col">
              <span className="visually-hidden">Timeline</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {placed.map((stage) => (
            <tr key={`${stage.group ?? ""}/${stage.name}`} className={stage.group ? "in-group" : undefined}>
              <th scope="row" className="mono">
                {stage.name}
              </th>
              <td className="num">{formatMs(stage.start)}</td>
              <td className="num">{formatMs(stage.ms)}</td>
              <td className="waterfall-bar-col">
                <svg
                  className="waterfall-track"
                  viewBox="0 0 100 10"
                  preserveAspectRatio="none"
                  aria-hidden="true"
                  focusable="false"
                >
                  <rect
                    className={stage.group ? "waterfall-bar waterfall-bar-inner" : "waterfall-bar"}
                    x={pct(stage.start)}
                    y="1"
                    width={Math.max(0.4, pct(stage.ms))}
                    height="8"
                    rx="1"
                  />
                </svg>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
