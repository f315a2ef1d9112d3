import { escapeHtml, placeholders, safeHref } from './render-mrkdwn';

/**
 * DingTalk robot messages → HTML for the demo console's DingTalk pane: `actionCard` (markdown and
 * link buttons), `markdown`, `text`, `link`. DingTalk's markdown subset: `#`–`######` headings,
 * `**bold**`, `*italic*`, `[text](url)`, `![alt](url)`, `> quotes`, `-`/`1.` lists, two trailing
 * spaces or a blank line for breaks.
 */

export function renderDingTalkMarkdown(md: string): string {
  const blocks = md.replace(/\r\n/g, '\n').split(/\n{2,}/);
  return blocks.map(renderParagraph).join('');
}

function renderParagraph(block: string): string {
  const lines = block.split('\n');
  const heading = /^(#{1,6})\s+(.*)$/.exec(lines[0] ?? '');
  if (heading && lines.length === 1) {
    const level = heading[1]!.length;
    return `<div class="dt-h dt-h${level}">${inline(heading[2]!)}</div>`;
  }
  if (lines.every((l) => /^\s*([-*+]|\d+\.)\s+/.test(l))) {
    return `<ul class="dt-list">${lines.map((l) => `<li>${inline(l.replace(/^\s*([-*+]|\d+\.)\s+/, ''))}</li>`).join('')}</ul>`;
  }
  if (lines.every((l) => l.startsWith('>'))) {
    return `<blockquote class="dt-quote">${lines.map((l) => inline(l.replace(/^>\s?/, ''))).join('<br>')}</blockquote>`;
  }
  return `<p class="dt-p">${lines
    .map((l) => {
      const h = /^(#{1,6})\s+(.*)$/.exec(l);
      return h ? `<span class="dt-h dt-h${h[1]!.length}">${inline(h[2]!)}</span>` : inline(l);
    })
    .join('<br>')}</p>`;
}

function inline(text: string): string {
  const { clean, hold, restore } = placeholders();
  let s = clean(text).replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (_m, alt: string, url: string) => {
    const href = safeHref(url);
    return href ? hold(`<img class="dt-img" src="${escapeHtml(href)}" alt="${escapeHtml(alt)}">`) : alt;
  });
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) => {
    const href = safeHref(url);
    const inner = escapeHtml(label);
    return hold(
      href ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${inner}</a>` : inner,
    );
  });
  s = escapeHtml(s.replace(/\s+$/, ''))
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
    .replace(/(^|[^*])\*([^*\s][^*]*)\*(?!\*)/g, '$1<i>$2</i>')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
  return restore(s);
}

interface DingTalkButton {
  title?: string;
  actionURL?: string;
}

/** One robot message body, as the group shows it. */
export function renderDingTalkMessage(body: Record<string, unknown>): string {
  const obj = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (body.msgtype) {
    case 'actionCard': {
      const card = obj(body.actionCard);
      const single = str(card.singleTitle) && str(card.singleURL);
      const btns: DingTalkButton[] = single
        ? [{ title: str(card.singleTitle), actionURL: str(card.singleURL) }]
        : Array.isArray(card.btns)
          ? (card.btns as DingTalkButton[])
          : [];
      const vertical = card.btnOrientation !== '1';
      return (
        `<div class="dt-card"><div class="dt-body">${renderDingTalkMarkdown(str(card.text))}</div>` +
        `<div class="dt-btns${vertical ? ' vertical' : ''}">${btns.map(renderButton).join('')}</div></div>`
      );
    }
    case 'markdown':
      return `<div class="dt-card"><div class="dt-body">${renderDingTalkMarkdown(str(obj(body.markdown).text))}</div></div>`;
    case 'text':
      return `<div class="dt-card"><div class="dt-body"><p class="dt-p">${escapeHtml(str(obj(body.text).content)).replace(/\n/g, '<br>')}</p></div></div>`;
    case 'link': {
      const link = obj(body.link);
      const href = safeHref(str(link.messageUrl));
      return `<div class="dt-card"><div class="dt-body"><div class="dt-h dt-h4">${escapeHtml(str(link.title))}</div><p class="dt-p">${escapeHtml(
        str(link.text),
      )}</p></div>${href ? `<div class="dt-btns"><a class="dt-btn" href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">Open</a></div>` : ''}</div>`;
    }
    default:
      return `<div class="dt-card"><div class="dt-body"><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre></div></div>`;
  }
}

function renderButton(b: DingTalkButton): string {
  const href = safeHref(b.actionURL ?? '');
  const title = escapeHtml(b.title ?? '');
  return href
    ? `<a class="dt-btn" href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${title}</a>`
    : `<span class="dt-btn disabled">${title}</span>`;
}

/** The notification title of a message (what the chat list shows). */
export function dingTalkTitle(body: Record<string, unknown>): string {
  const obj = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  const t = obj(body.actionCard).title ?? obj(body.markdown).title ?? obj(body.link).title ?? '';
  return typeof t === 'string' ? t : '';
}
