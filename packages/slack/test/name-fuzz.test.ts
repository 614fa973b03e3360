/**
 * Circuit names of every kind (test-support/circuit-names.ts: any Unicode, lone surrogates,
 * quotes, backslashes, control characters, Slack's `<!channel>`, `<@U123>`, `<http://x|y>`,
 * entities and formatting marks, 10 000 to 100 000 characters) through a SlackListener posting to
 * a real HTTP server on 127.0.0.1, in token and webhook mode, for a trip, a probe, a recovery and
 * a manual transition.
 *
 * Each request body must parse as JSON and be exactly the built-in message, with the name escaped
 * as `escapeMrkdwn` documents (`&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`; nothing else), in the
 * text and in the Circuit field. So the text holds no `<` or `>` at all (no link, mention or
 * `<!channel>` can be formed) and every `&` starts one of the three entities; and the name read
 * back from the text (entities undone) is the name exactly, lone surrogates included (JSON
 * escapes them). `*`, `_`, `~` and `` ` `` are left as they are, as documented: mrkdwn has no
 * escape for them, so a name can make itself bold, but cannot reach past the message.
 *
 * Replay: FC_SEED=<seed> FC_PATH=<path> npx jest test/name-fuzz (in packages/slack);
 * FC_NUM_RUNS sets the runs (default 60).
 */
import fc from 'fast-check';
import type { State } from '@fluxgate/core';
import { SlackListener } from '@fluxgate/slack';
import {
  NOTABLE_NAMES,
  circuitName,
  describeName,
  fuzzParameters,
} from '../../../test-support/circuit-names';
import { breaker, fail, recorder, succeed } from './support/breakers';
import { FakeClock } from './support/fake-clock';
import { FakeSlack } from './support/fake-slack';

const SEED = 20_240_613;

/** Slack's escaping, written out: `&`, `<` and `>` only. */
function escaped(name: string): string {
  let out = '';
  for (const c of name) out += c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c;
  return out;
}

/** What a Slack client shows for escaped text: the three entities undone. */
function shown(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>' })[e]!);
}

/** The built-in look of each state the scenario enters: emoji, colour, verb. */
const LOOK: Partial<Record<State, readonly [string, string, string]>> = {
  open: [':red_circle:', '#E01E5A', 'opened'],
  half_open: [':large_yellow_circle:', '#ECB22E', 'is half-open'],
  closed: [':large_green_circle:', '#2EB67D', 'closed'],
  forced_open: [':no_entry:', '#A30200', 'was forced open'],
};

/** The messages of the scenario below: entered state, transition, time, why. */
const MESSAGES: ReadonlyArray<readonly [State, string, string, string]> = [
  ['open', 'closed → open', '2023-11-14T22:13:20.000Z', '2 failures in a row'],
  [
    'half_open',
    'open → half_open',
    '2023-11-14T22:13:30.000Z',
    'retry time reached after 10 s open',
  ],
  ['closed', 'half_open → closed', '2023-11-14T22:13:30.000Z', 'probe succeeded'],
  ['forced_open', 'closed → forced_open', '2023-11-14T22:13:30.000Z', 'manual'],
];

let fake: FakeSlack;

beforeAll(async () => {
  fake = await FakeSlack.start();
});

afterAll(async () => {
  await fake.close();
});

/** Sends the scenario's four messages for a circuit named `name`; checks each as described. */
async function checkName(name: string, token: boolean): Promise<void> {
  const clock = new FakeClock();
  const errors = recorder();
  const first = fake.requests.length;
  const listener = token
    ? new SlackListener({ token: 'xoxb-test', channel: '#alerts', url: fake.url() })
    : new SlackListener({ webhookUrl: fake.url('/services/T000/B000/XXXXXXXXXXXX') });
  try {
    const cb = breaker(name, clock, { listeners: [listener], onListenerError: errors });
    fail(cb);
    fail(cb); // closed → open
    clock.advance(10_000);
    succeed(cb); // open → half_open → closed
    cb.forceOpen(); // closed → forced_open
    await cb.flush();
    expect(errors.reports).toEqual([]);
  } finally {
    listener.close();
  }

  const requests = fake.requests.slice(first);
  expect(requests).toHaveLength(MESSAGES.length);
  const name_ = escaped(name);
  requests.forEach((request, i) => {
    const [state, transition, time, why] = MESSAGES[i]!;
    const [emoji, color, verb] = LOOK[state]!;
    const body = JSON.parse(request.raw) as Record<string, unknown>;
    const { channel, thread_ts: _thread, reply_broadcast: _broadcast, ...message } = body;
    expect(channel).toBe(token ? '#alerts' : undefined);
    const text = `${emoji} Circuit breaker ${name_} ${verb} (${why})`;
    expect(message).toEqual({
      text,
      attachments: [
        {
          color,
          title: `Circuit breaker ${verb}`,
          fields: [
            { title: 'Circuit', value: name_, short: true },
            { title: 'Transition', value: transition, short: true },
            { title: 'Time', value: time, short: true },
            { title: 'Why', value: why, short: false },
          ],
        },
      ],
    });
    // No control sequence can be formed: no angle bracket at all, and no `&` but the entities.
    const sent = message.text as string;
    expect(/[<>]/.test(sent)).toBe(false);
    expect(/&(?!(?:amp|lt|gt);)/.test(sent)).toBe(false);
    // Read back from the text as Slack shows it, the name is exact.
    const prefix = `${emoji} Circuit breaker `;
    const suffix = ` ${verb} (${why})`;
    expect(sent.startsWith(prefix) && sent.endsWith(suffix)).toBe(true);
    expect(shown(sent.slice(prefix.length, sent.length - suffix.length))).toBe(name);
  });
}

// A guard against a hang, not a time limit: on a loaded two-core machine the property runs take
// several seconds, and a timed-out property would go on in the background and disturb the next test.
jest.setTimeout(60_000);

describe('circuit names in Slack messages', () => {
  it.each(NOTABLE_NAMES.map((name) => [describeName(name), name]))(
    '%s: escaped in the JSON payload, and read back exactly',
    async (_label, name) => {
      await checkName(name, true);
    },
  );

  it('any name, token or webhook: the payload parses, the name is escaped as documented and reads back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(circuitName(), fc.boolean(), checkName),
      fuzzParameters(SEED, 60),
    );
  });

  it('a name cannot mention, link or break out: <!channel>, <@U123> and <http://x|y> arrive as text', async () => {
    await checkName('<!channel> <@U123> <http://x|y> &lt;!here&gt;', true);
    const text = JSON.parse(fake.requests.at(-1)!.raw).text as string;
    expect(text).toBe(
      ':no_entry: Circuit breaker &lt;!channel&gt; &lt;@U123&gt; &lt;http://x|y&gt; &amp;lt;!here&amp;gt; was forced open (manual)',
    );
  });
});
