import type { State } from '@fluxgate/core';
import type { LogLevel } from '@fluxgate/core/listeners';

/**
 * The LogListener line format, written from its TSDoc rather than from its code: how a circuit
 * name is shown in a line, and how to read it back.
 */

const isHigh = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * The name as LogListener documents it: `\\`, `\n`, `\r`, `\t`; `\uXXXX` (lowercase hex) for the
 * other C0 controls, DEL, the C1 controls, U+2028, U+2029 and lone surrogates; everything else,
 * quotes and surrogate pairs included, as it is.
 */
export function loggedName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (isHigh(unit) && i + 1 < name.length && isLow(name.charCodeAt(i + 1))) {
      out += name.slice(i, i + 2);
      i++;
    } else if (unit === 0x5c) out += '\\\\';
    else if (unit === 0x0a) out += '\\n';
    else if (unit === 0x0d) out += '\\r';
    else if (unit === 0x09) out += '\\t';
    else if (
      unit < 0x20 ||
      (unit >= 0x7f && unit <= 0x9f) ||
      unit === 0x2028 ||
      unit === 0x2029 ||
      isHigh(unit) ||
      isLow(unit)
    ) {
      out += `\\u${unit.toString(16).padStart(4, '0')}`;
    } else out += name[i];
  }
  return out;
}

/** The name shown in a line, read back; throws on an escape the format does not have. */
export function unescapeLoggedName(shown: string): string {
  let out = '';
  for (let i = 0; i < shown.length; i++) {
    const c = shown[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = shown[++i];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else if (next === 't') out += '\t';
    else if (next === 'u' && /^[0-9a-f]{4}$/.test(shown.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(shown.slice(i + 1, i + 5), 16));
      i += 4;
    } else throw new Error(`bad escape at ${i - 1} in ${JSON.stringify(shown.slice(0, 200))}`);
  }
  return out;
}

const PREFIX = "Circuit breaker '";
const SUFFIX = /' transitioned from ([a-z_]+) to ([a-z_]+)$/;

/** Splits a LogListener line into the name (read back) and the two states; throws otherwise. */
export function parseLogLine(line: string): { name: string; oldState: string; newState: string } {
  const suffix = SUFFIX.exec(line);
  if (!line.startsWith(PREFIX) || suffix === null) {
    throw new Error(`not a LogListener line: ${JSON.stringify(line.slice(0, 200))}`);
  }
  return {
    name: unescapeLoggedName(line.slice(PREFIX.length, suffix.index)),
    oldState: suffix[1]!,
    newState: suffix[2]!,
  };
}

/**
 * Whether `text` could be split into more than one line by a reader: LF, VT, FF, CR, NEL, U+2028
 * or U+2029.
 */
export function hasLineBreak(text: string): boolean {
  return /[\n\v\f\r\u0085\u2028\u2029]/.test(text);
}

/** Whether `text` is well-formed UTF-16 (no lone surrogate), so any UTF-8 writer keeps it. */
export function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (isHigh(unit) && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) i++;
    else if (isHigh(unit) || isLow(unit)) return false;
  }
  return true;
}

/** Whether `text` holds a control character: C0, DEL or C1. */
export function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 || (unit >= 0x7f && unit <= 0x9f)) return true;
  }
  return false;
}

/** The level LogListener writes each new state at by default, as its documentation gives them. */
export const DEFAULT_LEVELS: Readonly<Record<State, LogLevel>> = {
  closed: 'info',
  open: 'warn',
  half_open: 'info',
  metrics_only: 'info',
  disabled: 'info',
  forced_open: 'warn',
};
