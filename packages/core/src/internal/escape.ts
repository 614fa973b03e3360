// Internal: how a circuit name goes into a log line (LogListener's lines and the default
// onListenerError line).

/**
 * What a name cannot carry into a log line as it is: a backslash (the escape character itself),
 * control characters (C0, DEL, C1: `\n`, `\r` and NEL would start a forged line), the Unicode
 * line and paragraph separators, and lone surrogates (not text; a UTF-8 writer would turn them
 * into U+FFFD).
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- control characters are what it matches
  /[\\\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * The name as a log line shows it: one line, from which the name can be read back exactly. A
 * name without any of those characters is shown as it is.
 */
export function escapeName(name: string): string {
  return name.replace(
    UNSAFE,
    (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
