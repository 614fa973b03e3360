import { SlackListener, type SlackListenerOptions } from '@fluxgate/slack';

const fn = () => Promise.reject(new Error('unused'));
const token = { token: 'xoxb-test', channel: '#alerts' };

describe('constructor checks name the option and the bad value', () => {
  it.each<[string, unknown, ErrorConstructor, string]>([
    ['no options', undefined, TypeError, 'options must be an object, got undefined'],
    [
      'neither token nor webhook',
      {},
      TypeError,
      'options must have token and channel (chat.postMessage), or webhookUrl',
    ],
    [
      'a token without a channel',
      { token: 'xoxb-test' },
      TypeError,
      'channel must be a non-empty string, got undefined',
    ],
    [
      'a blank channel',
      { ...token, channel: ' ' },
      TypeError,
      'channel must be a non-empty string, got " "',
    ],
    [
      'a channel without a token',
      { channel: '#alerts' },
      TypeError,
      'token must be a non-empty string, got undefined',
    ],
    [
      'a url that is not one',
      { ...token, url: 'slack.com/api' },
      TypeError,
      'url must be an absolute http(s) URL, got a string that is not one (value not shown)',
    ],
    [
      'a zero timeout',
      { ...token, timeout: 0 },
      RangeError,
      'timeout must be a finite number > 0, got 0',
    ],
    [
      'an infinite timeout',
      { ...token, timeout: Infinity },
      RangeError,
      'timeout must be a finite number > 0, got Infinity',
    ],
    [
      'a NaN timeout',
      { ...token, timeout: NaN },
      RangeError,
      'timeout must be a finite number > 0, got NaN',
    ],
    [
      'negative retries',
      { ...token, retries: -1 },
      RangeError,
      'retries must be an integer >= 0, got -1',
    ],
    [
      'fractional retries',
      { ...token, retries: 1.5 },
      RangeError,
      'retries must be an integer >= 0, got 1.5',
    ],
    [
      'a zero queue',
      { ...token, queueSize: 0 },
      RangeError,
      'queueSize must be an integer >= 1, got 0',
    ],
    [
      'a queue size as a string',
      { ...token, queueSize: '10' },
      TypeError,
      'queueSize must be an integer >= 1, got "10"',
    ],
    [
      'a fetch that is not a function',
      { ...token, fetch: 'fetch' },
      TypeError,
      'fetch must be a function, got "fetch"',
    ],
    [
      'an onError that is not a function',
      { ...token, onError: 'log' },
      TypeError,
      'onError must be a function, got "log"',
    ],
    [
      'a sleep that is not a function',
      { ...token, sleep: 1 },
      TypeError,
      'sleep must be a function, got 1',
    ],
    [
      'templates that are not an object',
      { ...token, templates: null },
      TypeError,
      'templates must be an object, got null',
    ],
    [
      'a template key that is no transition',
      { ...token, templates: { 'closed-open': fn } },
      RangeError,
      `templates has an unknown key "closed-open": use 'old->new' with state names or '*', such as 'closed->open' or '*->*'`,
    ],
    [
      'a template key with an unknown state',
      { ...token, templates: { 'closed->opened': fn } },
      RangeError,
      `templates has an unknown key "closed->opened": use 'old->new' with state names or '*', such as 'closed->open' or '*->*'`,
    ],
    [
      'a template that is not a function',
      { ...token, templates: { 'closed->open': 'x' } },
      TypeError,
      `templates['closed->open'] must be a function, got "x"`,
    ],
  ])('%s', (_, options, type, message) => {
    expect(() => new SlackListener(options as SlackListenerOptions)).toThrow(type);
    expect(() => new SlackListener(options as SlackListenerOptions)).toThrow(message);
  });

  it('asks for a fetch where the runtime has none', () => {
    const original = globalThis.fetch;
    try {
      Reflect.deleteProperty(globalThis, 'fetch');
      expect(() => new SlackListener(token)).toThrow(
        'fetch must be given: this runtime has no global fetch',
      );
      expect(() => new SlackListener({ ...token, fetch: fn })).not.toThrow();
    } finally {
      globalThis.fetch = original;
    }
  });

  it('accepts every state pair and * in template keys', () => {
    expect(
      () =>
        new SlackListener({
          ...token,
          templates: {
            'half_open->metrics_only': (c) => c.message,
            '*->forced_open': (c) => c.message,
            'disabled->*': (c) => c.message,
            '*->*': (c) => c.message,
          },
        }),
    ).not.toThrow();
  });

  it('closes idempotently', () => {
    const l = new SlackListener(token);
    l.close();
    l.close();
    expect(l.toJSON().closed).toBe(true);
  });
});
