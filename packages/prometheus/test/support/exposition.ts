import { Registry, type RegistryContentType } from 'prom-client';

/** The two exposition formats, for `describe.each`. */
export const FORMATS = [
  { format: 'Prometheus text', contentType: Registry.PROMETHEUS_CONTENT_TYPE },
  { format: 'OpenMetrics', contentType: Registry.OPENMETRICS_CONTENT_TYPE },
] as const;

export type Format = (typeof FORMATS)[number];

/** A fresh registry that renders `contentType`. */
export function registryFor(contentType: RegistryContentType): Registry<RegistryContentType> {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(contentType);
  return registry;
}

/** Whether `contentType` is OpenMetrics. */
export function isOpenMetrics(contentType: RegistryContentType): boolean {
  return contentType === Registry.OPENMETRICS_CONTENT_TYPE;
}

/**
 * The name a counter family is announced under in `# HELP`/`# TYPE`: with `_total` in the text
 * format, without it in OpenMetrics (whose samples still end in `_total`).
 */
export function counterFamily(name: string, contentType: RegistryContentType): string {
  return isOpenMetrics(contentType) ? name.replace(/_total$/, '') : name;
}

/** The sample lines of `text` whose metric name is exactly `name`. */
export function samples(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

/** The `# HELP` and `# TYPE` lines of a family, and its samples, as rendered. */
export function family(text: string, name: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(lines.find((line) => line.startsWith(`# HELP ${name} `)) ?? '\0');
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start + 1 && (line.startsWith('# ') || line === ''));
  return lines.slice(start, end < 0 ? undefined : end);
}

/** Sample lines for the six states of `circuit`, `current` at 1 (`labels` already escaped). */
export function stateLines(circuit: string, values: Partial<Record<string, number>>): string[] {
  return ['closed', 'open', 'half_open', 'metrics_only', 'disabled', 'forced_open'].map(
    (state) =>
      `circuit_breaker_state{circuit_name="${circuit}",state="${state}"} ${values[state] ?? 0}`,
  );
}
