import type { CallEvent, Listener, Signal, State } from '@fluxgate/core';

/** Records every signal and call event it receives. */
export class RecordingListener implements Listener {
  readonly signals: Signal[] = [];
  readonly events: CallEvent[] = [];

  onTransition(signal: Signal): void {
    this.signals.push(signal);
  }

  onCall(event: CallEvent): void {
    this.events.push(event);
  }

  /** The transitions seen, as `from>to` strings. */
  get transitions(): string[] {
    return this.signals.map((s) => `${s.oldState}>${s.newState}`);
  }

  /** The outcomes seen, as `state:outcome` strings. */
  get outcomes(): string[] {
    return this.events.map((e) => `${e.state}:${e.outcome}`);
  }

  /** The states entered, in order. */
  get states(): State[] {
    return this.signals.map((s) => s.newState);
  }
}
