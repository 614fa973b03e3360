import type { State } from '@fluxgate/core';
import { escapeMrkdwn } from '../escape-mrkdwn.js';
import type { SlackMessage } from '../slack-message.js';

interface Look {
  readonly emoji: string;
  readonly color: string;
  /** Follows the circuit's name: "Circuit breaker payment_api opened". */
  readonly verb: string;
}

/** One look per entered state: red for open, yellow while probing, green when recovered. */
const LOOKS: Readonly<Record<State, Look>> = {
  open: { emoji: ':red_circle:', color: '#E01E5A', verb: 'opened' },
  half_open: { emoji: ':large_yellow_circle:', color: '#ECB22E', verb: 'is half-open' },
  closed: { emoji: ':large_green_circle:', color: '#2EB67D', verb: 'closed' },
  forced_open: { emoji: ':no_entry:', color: '#A30200', verb: 'was forced open' },
  disabled: { emoji: ':white_circle:', color: '#868686', verb: 'was disabled' },
  metrics_only: { emoji: ':large_blue_circle:', color: '#1D9BD1', verb: 'is in metrics-only mode' },
};

/** What the built-in message shows. */
export interface MessageFacts {
  readonly circuitName: string;
  readonly newState: State;
  readonly transition: string;
  readonly time: string;
  readonly why: string;
}

/**
 * The built-in message: a one-line `text` (notification and fallback) and one coloured
 * attachment with the title, circuit, transition, time and why. Every text from the circuit is
 * escaped.
 */
export function defaultMessage(facts: MessageFacts): SlackMessage {
  const look = LOOKS[facts.newState];
  const name = escapeMrkdwn(facts.circuitName);
  const why = escapeMrkdwn(facts.why);
  return {
    text: `${look.emoji} Circuit breaker ${name} ${look.verb} (${why})`,
    attachments: [
      {
        color: look.color,
        title: `Circuit breaker ${look.verb}`,
        fields: [
          { title: 'Circuit', value: name, short: true },
          { title: 'Transition', value: facts.transition, short: true },
          { title: 'Time', value: facts.time, short: true },
          { title: 'Why', value: why, short: false },
        ],
      },
    ],
  };
}
