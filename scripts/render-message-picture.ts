/**
 * Renders a golden Slack message (Block Kit JSON) as a Slack-like HTML card and screenshots it
 * with Debian's chromium, for the README. Run: npx tsc --outDir dist-pic --rootDir . --module commonjs --target ES2022 --esModuleInterop --skipLibCheck --types node scripts/render-message-picture.ts && node dist-pic/scripts/render-message-picture.js <golden-name>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

type Text = { type: string; text: string };
type Block = { type: string; text?: Text; fields?: Text[]; elements?: Array<Record<string, unknown>> };

const esc = (s: string) => s.replace(/&(?!amp;|lt;|gt;)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A small subset of Slack mrkdwn: dates, links, bold, code, emoji used by the bot. */
function mrkdwn(s: string): string {
  let out = s
    .replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, (_m, f: string) => `\u0001${f}\u0002`)
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, (_m, _u: string, t: string) => `\u0003${t}\u0004`);
  out = esc(out.replace(/&amp;/g, '&'))
    .replace(/\u0001([^\u0002]*)\u0002/g, '<span class="date">$1</span>')
    .replace(/\u0003([^\u0004]*)\u0004/g, '<a>$1</a>')
    .replace(/```([\s\S]*?)```/g, '<pre>$1</pre>')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*([^*\n]+)\*/g, '<b>$1</b>')
    .replace(/\n/g, '<br>');
  return emoji(out);
}
const emoji = (s: string) =>
  s.replace(/:red_circle:/g, '🔴').replace(/:large_orange_circle:/g, '🟠').replace(/:large_green_circle:/g, '🟢').replace(/:white_check_mark:/g, '✅').replace(/:hourglass_flowing_sand:/g, '⏳');

function block(b: Block): string {
  switch (b.type) {
    case 'header':
      return `<div class="header">${emoji(esc(b.text!.text))}</div>`;
    case 'section':
      return `<div class="section">${b.text ? `<div>${mrkdwn(b.text.text)}</div>` : ''}${
        b.fields ? `<div class="fields">${b.fields.map((f) => `<div>${mrkdwn(f.text)}</div>`).join('')}</div>` : ''
      }</div>`;
    case 'actions':
      return `<div class="actions">${(b.elements ?? [])
        .map((e) => `<button class="${String(e.style ?? '')}">${esc(String((e.text as Text).text))}</button>`)
        .join('')}</div>`;
    case 'context':
      return `<div class="context">${(b.elements ?? []).map((e) => `<span>${mrkdwn(String((e as Text).text))}</span>`).join('')}</div>`;
    default:
      return '';
  }
}

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..');
  const name = process.argv[2] ?? 'aws-rotation-failed';
  const msg = JSON.parse(readFileSync(join(root, 'test/unit/chat/__golden__', `${name}.json`), 'utf8')) as { blocks: Block[] };
  const html = `<!doctype html><meta charset="utf-8"><style>
  body{font:15px/1.46668 -apple-system,"Segoe UI",Lato,"Noto Sans",sans-serif;color:#1d1c1d;background:#fff;margin:0;padding:16px;width:760px}
  .msg{display:flex;gap:8px}.avatar{width:36px;height:36px;border-radius:6px;background:#4a154b;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700}
  .who{font-weight:900}.who span{font-weight:400;color:#616061;font-size:12px;margin-left:6px}
  .header{font-size:18px;font-weight:900;margin:4px 0 8px}.section{margin:6px 0}.fields{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px}
  a{color:#1264a3}.date{color:#1d1c1d}code{font:12px Menlo,monospace;color:#e01e5a;background:#f6f6f6;border:1px solid #ddd;border-radius:3px;padding:1px 3px}
  pre{font:12px/1.5 Menlo,monospace;background:#f8f8f8;border:1px solid #ddd;border-radius:4px;padding:8px;margin:4px 0;white-space:pre-wrap}
  .actions button{font:700 13px sans-serif;border:1px solid #bbb;border-radius:4px;background:#fff;padding:6px 12px;margin:6px 8px 4px 0}
  .actions button.primary{background:#007a5a;color:#fff;border-color:#007a5a}.actions button.danger{background:#e01e5a;color:#fff;border-color:#e01e5a}
  .context{color:#616061;font-size:12px;margin-top:6px}.context>span{display:block}
  </style><div class="msg"><div class="avatar">S</div><div><div class="who">secrets-bot<span>APP 11:58</span></div>${msg.blocks.map(block).join('')}</div></div>`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 800, height: 400 }, deviceScaleFactor: 2 });
    await page.setContent(html);
    const out = join(root, 'docs', `${name}.png`);
    await (await page.$('.msg'))!.screenshot({ path: out });
    writeFileSync(join(root, 'docs', `${name}.html`), html);
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    await browser.close();
  }
}

void main();
