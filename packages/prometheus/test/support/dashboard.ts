import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface Target {
  datasource?: { type?: string; uid?: string };
  expr: string;
  refId: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  format?: string;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  fieldConfig?: { defaults: Record<string, unknown> };
  options?: Record<string, unknown>;
}

export interface Variable {
  name: string;
  type: string;
  query?: unknown;
  datasource?: { type?: string; uid?: string };
  definition?: string;
  includeAll?: boolean;
  multi?: boolean;
  allValue?: string;
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
}

/** The shipped dashboard. */
export function loadDashboard(): Dashboard {
  const file = path.resolve(__dirname, '../../grafana/dashboard.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
}

/** Every query of the dashboard, with the panel it belongs to. */
export function dashboardQueries(dashboard: Dashboard): Array<{ panel: Panel; target: Target }> {
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel, target })),
  );
}

/** A dashboard query as Grafana sends it with "All" circuits selected, over the last hour. */
export function expandVariables(expr: string, dashboard: Dashboard): string {
  const allValue =
    dashboard.templating.list.find((v) => v.name === 'circuit_name')?.allValue ?? '.*';
  return expr
    .replaceAll('$circuit_name', allValue)
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__range', '1h')
    .replaceAll('$__interval', '15s');
}
