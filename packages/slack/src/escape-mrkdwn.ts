/**
 * Escapes text for Slack's mrkdwn: `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;`, the three
 * characters Slack reads as control sequences (links, mentions, `<!channel>`). Nothing else is
 * changed, so `*`, `_` and `~` keep their formatting meaning.
 *
 * The built-in message escapes every text it takes from a circuit; a custom template should do
 * the same with any text it did not write itself.
 *
 * @param text - plain text
 * @returns the text, safe to place in a Slack message
 *
 * @example
 * ```ts
 * import { escapeMrkdwn } from '@fluxgate/slack';
 *
 * escapeMrkdwn('search <beta> & co'); // 'search &lt;beta&gt; &amp; co'
 * ```
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
