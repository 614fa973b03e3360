const REDACTED = '[redacted]';

/**
 * A function that replaces every occurrence of the given secrets with `[redacted]`, for texts
 * that come from elsewhere (a network error's message may quote the URL it failed on).
 */
export function redactor(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  // Longest first, so a secret that contains another is replaced whole.
  const list = [
    ...new Set(secrets.filter((s): s is string => s !== undefined && s.length >= 4)),
  ].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of list) out = out.split(secret).join(REDACTED);
    return out;
  };
}
