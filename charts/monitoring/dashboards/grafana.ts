/**
 * Just enough of Grafana's dashboard JSON model to lay out rows of time-series
 * panels on the Prometheus data source chosen in the dashboard's
 * `datasource` variable.
 * @see https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/
 */

/** Grafana's dashboard schema version the JSON follows. */
export const GRAFANA_SCHEMA_VERSION = 39;

/** Width of Grafana's grid. */
const GRID_WIDTH = 24;
const PANEL_HEIGHT = 8;

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

export interface Query {
  readonly expr: string;
  /** Legend template, e.g. `{{topic}}/{{partition}}`. */
  readonly legend: string;
}

export interface PanelOptions {
  readonly title: string;
  readonly description: string;
  readonly queries: readonly Query[];
  /** Grafana unit: `short`, `percentunit`, `s`, `ops` (per second)… @default 'short' */
  readonly unit?: string;
  /** Columns of the 24-wide grid. @default 12 */
  readonly width?: number;
  /** Series whose name matches this regex are drawn as dashed threshold lines. */
  readonly thresholdSeries?: RegExp;
}

export interface Row {
  readonly title: string;
  readonly panels: readonly PanelOptions[];
}

export interface DashboardOptions {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly rows: readonly Row[];
}

function timeseries(panel: PanelOptions, id: number, gridPos: Record<string, number>): Record<string, unknown> {
  const overrides = panel.thresholdSeries
    ? [
        {
          matcher: { id: 'byRegexp', options: panel.thresholdSeries.source },
          properties: [
            { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
            { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
          ],
        },
      ]
    : [];
  return {
    id,
    type: 'timeseries',
    title: panel.title,
    description: panel.description,
    datasource: DATASOURCE,
    gridPos,
    targets: panel.queries.map((q, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr: q.expr,
      legendFormat: q.legend,
    })),
    fieldConfig: { defaults: { unit: panel.unit ?? 'short', min: 0 }, overrides },
    options: { legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'max'] }, tooltip: { mode: 'multi' } },
  };
}

/** The dashboard JSON: one row panel per row, panels flowing left to right below it. */
export function dashboard(options: DashboardOptions): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of options.rows) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: GRID_WIDTH, x: 0, y }, panels: [] });
    y += 1;
    let x = 0;
    for (const panel of row.panels) {
      const w = panel.width ?? 12;
      if (x + w > GRID_WIDTH) {
        x = 0;
        y += PANEL_HEIGHT;
      }
      panels.push(timeseries(panel, id++, { h: PANEL_HEIGHT, w, x, y }));
      x += w;
    }
    y += PANEL_HEIGHT;
  }
  return {
    uid: options.uid,
    title: options.title,
    description: options.description,
    tags: options.tags,
    timezone: 'utc',
    editable: false,
    schemaVersion: GRAFANA_SCHEMA_VERSION,
    version: 1,
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', hide: 0, current: {} }],
    },
    annotations: { list: [] },
    panels,
  };
}
