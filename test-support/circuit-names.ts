/**
 * Circuit names that try to break whatever they are written into: any Unicode (graphemes, any
 * code point, any UTF-16 code unit, lone surrogates included), quotes, backslashes, control
 * characters, the punctuation of the Prometheus exposition formats, Slack mrkdwn's specials and
 * control sequences, forged log lines, and very long strings. Used by the name fuzz tests of every
 * package (docs/reliability.md); what a name must survive into stays in each test.
 *
 * The runs are seeded: each test passes its own fixed seed. Environment overrides, as in
 * packages/core/test/reliability/fuzz.test.ts: FC_NUM_RUNS (runs per property), FC_SEED and
 * FC_PATH (replay the seed and path fast-check prints on a failure).
 */
import fc from 'fast-check';

/** `fc.assert` parameters: `seed` unless FC_SEED is set, `runs` unless FC_NUM_RUNS is. */
export function fuzzParameters<Ts>(
  seed: number,
  runs: number,
  examples: Ts[] = [],
): fc.Parameters<Ts> {
  const envSeed = Number(process.env.FC_SEED);
  const envRuns = Number(process.env.FC_NUM_RUNS);
  return {
    seed: process.env.FC_SEED && Number.isInteger(envSeed) ? envSeed : seed,
    numRuns: process.env.FC_NUM_RUNS && Number.isInteger(envRuns) ? envRuns : runs,
    ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
    examples,
  };
}

/** Every C0 control, DEL and every C1 control. */
const CONTROLS: readonly string[] = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
];

/** Single characters with a meaning somewhere: a log line, an exposition, JSON, Slack mrkdwn. */
export const SPECIAL_CHARACTERS: readonly string[] = [
  '"',
  "'",
  '`',
  '\\',
  '{',
  '}',
  '=',
  ',',
  '#',
  '<',
  '>',
  '&',
  '*',
  '_',
  '~',
  '|',
  '@',
  '!',
  ':',
  ';',
  ' ',
  '\u00a0', // no-break space
  '\u2028', // line separator
  '\u2029', // paragraph separator
  '\u200b', // zero-width space
  '\u202e', // right-to-left override
  '\ufeff', // byte order mark
  '\ufffd', // replacement character
  '\ud800', // lone high surrogate
  '\udbff',
  '\udc00', // lone low surrogate
  '\udfff',
  '\ud83d\udca5', // a surrogate pair: 💥
  'e\u0301', // a combining mark
  '👩‍👩‍👧', // a ZWJ sequence
  ...CONTROLS,
];

/** Pieces of text that mean something to one of the sinks, whole. */
export const INJECTIONS: readonly string[] = [
  // Slack: mentions, links, entities
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U123>',
  '<#C123|general>',
  '<http://x|y>',
  '<mailto:a@b.c|mail>',
  '&amp;',
  '&lt;',
  '&gt;',
  '&#60;',
  '*bold*',
  '_italic_',
  '~strike~',
  '`code`',
  '```block```',
  '>quote',
  ':red_circle:',
  // Logs: a forged second line
  "' transitioned from open to closed\nCircuit breaker 'payment_api",
  '\r\nCircuit breaker ',
  // Prometheus exposition: a label value that ends early, a forged sample, comment or EOF
  '"} 1\ncircuit_breaker_state{circuit_name="forged",state="open"} 1\n',
  '",state="open',
  '\\"',
  '\\n',
  '\\\\',
  '\n# EOF\n',
  '# HELP ',
  '# TYPE x counter',
  'NaN',
  '+Inf',
  // JSON and templates
  '"}',
  '\\u0000',
  '${x}',
  '{{x}}',
  '%s',
];

/** A name made of special characters, injections and plain ASCII, in any order. */
export const specialName: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_CHARACTERS) },
      { weight: 2, arbitrary: fc.constantFrom(...INJECTIONS) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }) },
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => parts.join(''));

/** Any UTF-16 code unit: lone surrogates, unpaired halves in any order. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

/**
 * A name of 10 000 to 100 000 UTF-16 code units: a short name (special or not) repeated and cut
 * to length, which may split a surrogate pair at the end.
 */
export const longName: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 10_000, max: 100_000 }),
    fc.oneof(specialName, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })),
  )
  .map(([length, piece]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length));

/**
 * A non-empty circuit name of any kind; `long` sets how often (as a weight against 12 for the
 * short kinds) it is 10 000 to 100 000 characters long.
 */
export function circuitName({ long = 1 }: { long?: number } = {}): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: codeUnit, minLength: 1, maxLength: 40 }) },
    { weight: 4, arbitrary: specialName },
    ...(long > 0 ? [{ weight: long, arbitrary: longName }] : []),
  );
}

/**
 * Names every name fuzz test tries first, whatever the seed: one per trick above, and the
 * lengths at both ends.
 */
export const NOTABLE_NAMES: readonly string[] = [
  "x' transitioned from open to closed\nCircuit breaker 'payment_api",
  'cr\rlf\r\nnel\u0085ls\u2028ps\u2029end',
  '\u0000\u0001\u001f\u007f\u009f',
  'tab\there "double" \'single\' `back`',
  '\\',
  '\\n is not a newline',
  '"} 1\ncircuit_breaker_state{circuit_name="forged",state="open"} 1\n# EOF\n',
  'a{b="c",d="e"} = 1 # comment',
  '<!channel> <!here> <@U123> <#C123|general> <http://x|y>',
  '&amp; &lt; &gt; &#60; &',
  '*bold* _italic_ ~strike~ `code` > quote',
  'lone \ud800 high, lone \udfff low, reversed \udc00\ud800, pair \ud83d\udca5',
  '👩‍👩‍👧 e\u0301 \u202eevil \ufeff',
  ' ',
  'x',
  'x'.repeat(100_000),
  '<&>"\\\n'.repeat(2_000),
];

/** Invisible or line-breaking characters JSON leaves as they are: shown as `\uXXXX` in titles. */
const INVISIBLE = /[\u007f-\u00a0\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/** A short, printable label for a name in a test title or a message. */
export function describeName(name: string): string {
  const shown = JSON.stringify(name).replace(
    INVISIBLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return shown.length > 60 ? `${shown.slice(0, 40)}… (${name.length} chars)` : shown;
}
