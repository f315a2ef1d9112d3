/**
 * Slack mrkdwn → HTML for the demo console, as a Slack client shows it: `*bold*`, `_italic_`,
 * `~strike~`, `` `code` ``, ```` ```pre``` ````, `> quotes`, `<url|links>`, `<@U…>` mentions,
 * `<#C…>` channels, `<!date^…|fallback>`, `<!here>`, `:emoji:`. The input is Slack-escaped
 * (`&lt; &gt; &amp;`); everything that reaches the page is HTML-escaped again.
 */

/** Standard emoji the bot uses, as the Slack client draws them (custom ones stay `:name:`). */
const EMOJI: Record<string, string> = {
  red_circle: '🔴',
  large_orange_circle: '🟠',
  large_yellow_circle: '🟡',
  large_green_circle: '🟢',
  large_blue_circle: '🔵',
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  warning: '⚠️',
  x: '❌',
  gear: '⚙️',
  bell: '🔔',
  no_bell: '🔕',
  repeat: '🔁',
  lock: '🔒',
  key: '🔑',
  rotating_light: '🚨',
  information_source: 'ℹ️',
  mag: '🔍',
  wastebasket: '🗑️',
  calendar: '📅',
  zzz: '💤',
};

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Undoes Slack's own escaping (`&lt; &gt; &amp;`), leaving raw text. */
function unescapeSlack(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function emojify(html: string): string {
  return html.replace(/:([a-z0-9_+-]+):/g, (m, name: string) => EMOJI[name] ?? m);
}

/** Only links a browser may follow safely. */
export function safeHref(url: string): string | undefined {
  return /^(https?:|mailto:)/i.test(url) ? url : undefined;
}

export interface MrkdwnOptions {
  /** Display names of user ids (`<@U…>` → `@name`). */
  users?: Record<string, string>;
  /** Display names of channel ids (`<#C…>` → `#name`). */
  channels?: Record<string, string>;
}

/** Plain text as Slack shows a `plain_text` object (emoji on). */
export function renderPlain(text: string): string {
  return emojify(escapeHtml(text)).replace(/\n/g, '<br>');
}

/**
 * Keeps finished HTML out of later text passes: `hold(html)` leaves a marker (private-use
 * characters, removed from the input first), `restore(text)` puts the HTML back.
 */
export function placeholders(): {
  clean(s: string): string;
  hold(html: string): string;
  restore(s: string): string;
} {
  const held: string[] = [];
  return {
    clean: (s) => s.replace(/[\uE000\uE001]/g, ''),
    hold: (html) => `\uE000${held.push(html) - 1}\uE001`,
    restore: (s) => s.replace(/\uE000(\d+)\uE001/g, (_m, i: string) => held[Number(i)] ?? ''),
  };
}

export function renderMrkdwn(src: string, opts: MrkdwnOptions = {}): string {
  const { clean, hold, restore } = placeholders();
  let s = clean(src).replace(/```([\s\S]*?)```/g, (_m, code: string) =>
    hold(`<pre class="mk-pre">${escapeHtml(unescapeSlack(code.replace(/^\n/, '')))}</pre>`),
  );
  s = s.replace(/`([^`\n]+)`/g, (_m, code: string) =>
    hold(`<code class="mk-code">${escapeHtml(unescapeSlack(code))}</code>`),
  );
  s = s.replace(/<([^<>\n]+)>/g, (_m, inner: string) => hold(renderControl(inner, opts)));

  const lines = escapeHtml(unescapeSlack(s)).split('\n');
  const out: string[] = [];
  let quote: string[] = [];
  const flushQuote = () => {
    if (quote.length) out.push(`<blockquote class="mk-quote">${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  for (const line of lines) {
    const m = /^&gt;\s?(.*)$/.exec(line);
    if (m) {
      quote.push(formatInline(m[1]!));
      continue;
    }
    flushQuote();
    out.push(formatInline(line));
  }
  flushQuote();
  const html = out.join('<br>').replace(/<\/blockquote><br>/g, '</blockquote>');
  return restore(html);
}

function formatInline(html: string): string {
  const edge = '(^|[\\s(\\[{"\'“])';
  const end = '(?=$|[\\s).,!?:;\\]}"\'”])';
  const wrap = (marker: string) =>
    new RegExp(`${edge}\\${marker}([^${marker}\\s](?:[^${marker}]*?[^${marker}\\s])?)\\${marker}${end}`, 'g');
  return emojify(
    html
      .replace(wrap('*'), '$1<b>$2</b>')
      .replace(wrap('_'), '$1<i>$2</i>')
      .replace(wrap('~'), '$1<s>$2</s>'),
  );
}

/** One `<…>` sequence: a link, a mention, a date or a special mention. */
function renderControl(inner: string, opts: MrkdwnOptions): string {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : undefined;
  const text = (s: string) => emojify(escapeHtml(unescapeSlack(s)));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = opts.users?.[id] ?? label ?? id;
    return `<span class="mk-mention">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = opts.channels?.[id] ?? label ?? id;
    return `<span class="mk-mention">#${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('!date^')) {
    const [, epoch] = target.split('^');
    const iso = Number.isFinite(Number(epoch)) ? new Date(Number(epoch) * 1000).toISOString() : '';
    return `<time class="mk-date" datetime="${escapeHtml(iso)}">${text(label ?? iso)}</time>`;
  }
  if (target.startsWith('!')) {
    const what = target.slice(1).split('^')[0] ?? '';
    return `<span class="mk-mention">@${escapeHtml(label ?? what)}</span>`;
  }
  const href = safeHref(unescapeSlack(target));
  if (!href) return text(label ?? target);
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${text(label ?? target)}</a>`;
}
