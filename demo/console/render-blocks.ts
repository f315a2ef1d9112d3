import { escapeHtml, renderMrkdwn, renderPlain, safeHref, type MrkdwnOptions } from './render-mrkdwn';

/**
 * Slack Block Kit → HTML for the demo console: header, section (text, fields, accessory),
 * context, actions (buttons with their confirm dialogs), divider, image, input (in modals).
 * Buttons carry what a click needs (action id, block id, value, confirm) in data attributes; the
 * page turns a click into the signed block_actions request Slack would send.
 */

type TextObject = { type?: string; text?: string };
type Option = { text?: TextObject; value?: string };
type Element = {
  type?: string;
  action_id?: string;
  text?: TextObject;
  value?: string;
  url?: string;
  style?: string;
  confirm?: unknown;
  image_url?: string;
  alt_text?: string;
  options?: Option[];
  initial_option?: Option;
  initial_value?: string;
  placeholder?: TextObject;
  multiline?: boolean;
  max_length?: number;
};
type Block = {
  type?: string;
  block_id?: string;
  text?: TextObject;
  fields?: TextObject[];
  accessory?: Element;
  elements?: Element[];
  element?: Element;
  label?: TextObject;
  optional?: boolean;
  image_url?: string;
  alt_text?: string;
  title?: TextObject;
};

export function renderText(t: TextObject | undefined, opts: MrkdwnOptions): string {
  if (!t || typeof t.text !== 'string') return '';
  return t.type === 'mrkdwn' ? renderMrkdwn(t.text, opts) : renderPlain(t.text);
}

/** A message's blocks; a message without blocks shows its `text`. */
export function renderBlocks(blocks: unknown, fallbackText: string, opts: MrkdwnOptions = {}): string {
  const list = Array.isArray(blocks) ? (blocks as Block[]) : [];
  if (list.length === 0) return `<div class="blk-section">${renderMrkdwn(fallbackText, opts)}</div>`;
  return list.map((b) => renderBlock(b, opts)).join('');
}

function renderBlock(b: Block, opts: MrkdwnOptions): string {
  const blockId = b.block_id ?? '';
  switch (b.type) {
    case 'header':
      return `<div class="blk-header">${renderText(b.text, opts)}</div>`;
    case 'section': {
      const text = b.text ? `<div class="blk-text">${renderText(b.text, opts)}</div>` : '';
      const fields = b.fields?.length
        ? `<div class="blk-fields">${b.fields.map((f) => `<div class="blk-field">${renderText(f, opts)}</div>`).join('')}</div>`
        : '';
      const accessory = b.accessory
        ? `<div class="blk-accessory">${renderElement(b.accessory, blockId, opts)}</div>`
        : '';
      return `<div class="blk-section"><div class="blk-main">${text}${fields}</div>${accessory}</div>`;
    }
    case 'context':
      return `<div class="blk-context">${(b.elements ?? [])
        .map((e) =>
          e.type === 'image'
            ? `<img class="blk-context-img" src="${escapeHtml(safeHref(e.image_url ?? '') ?? '')}" alt="${escapeHtml(e.alt_text ?? '')}">`
            : `<span>${renderText(e as TextObject, opts)}</span>`,
        )
        .join('')}</div>`;
    case 'actions':
      return `<div class="blk-actions">${(b.elements ?? []).map((e) => renderElement(e, blockId, opts)).join('')}</div>`;
    case 'divider':
      return '<hr class="blk-divider">';
    case 'image':
      return `<figure class="blk-image">${b.title ? `<figcaption>${renderText(b.title, opts)}</figcaption>` : ''}<img src="${escapeHtml(
        safeHref(b.image_url ?? '') ?? '',
      )}" alt="${escapeHtml(b.alt_text ?? '')}"></figure>`;
    case 'input':
      return renderInput(b, opts);
    default:
      return `<div class="blk-unknown">[${escapeHtml(b.type ?? 'unknown')} block]</div>`;
  }
}

function renderElement(e: Element, blockId: string, opts: MrkdwnOptions): string {
  switch (e.type) {
    case 'button': {
      const label = renderText(e.text, opts);
      const style = e.style === 'primary' || e.style === 'danger' ? ` ${e.style}` : '';
      const href = e.url ? safeHref(e.url) : undefined;
      if (href) {
        return `<a class="sk-btn${style}" href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${label}</a>`;
      }
      const data = [
        ['action-id', e.action_id ?? ''],
        ['block-id', blockId],
        ['value', e.value ?? ''],
        ['label', e.text?.text ?? ''],
        ...(e.confirm ? [['confirm', JSON.stringify(renderConfirm(e.confirm as Confirm, opts))]] : []),
      ]
        .map(([k, v]) => ` data-${k}="${escapeHtml(v!)}"`)
        .join('');
      return `<button type="button" class="sk-btn${style}"${data}>${label}</button>`;
    }
    case 'image':
      return `<img class="blk-accessory-img" src="${escapeHtml(safeHref(e.image_url ?? '') ?? '')}" alt="${escapeHtml(e.alt_text ?? '')}">`;
    default:
      // Selects, overflow menus, date pickers: the bot sends none; show them as what they are.
      return `<span class="sk-unsupported">${escapeHtml(e.placeholder?.text ?? e.type ?? 'element')}</span>`;
  }
}

type Confirm = {
  title?: TextObject;
  text?: TextObject;
  confirm?: TextObject;
  deny?: TextObject;
  style?: string;
};

/** A confirm dialog, ready for the page: plain labels, the text already rendered to HTML. */
function renderConfirm(
  c: Confirm,
  opts: MrkdwnOptions,
): { title: string; html: string; confirm: string; deny: string; style: string } {
  return {
    title: c.title?.text ?? 'Are you sure?',
    html: renderText(c.text, opts),
    confirm: c.confirm?.text ?? 'Yes',
    deny: c.deny?.text ?? 'Cancel',
    style: c.style === 'danger' ? 'danger' : 'primary',
  };
}

/** An input block of a modal, as a form control the page reads back into `view.state.values`. */
function renderInput(b: Block, opts: MrkdwnOptions): string {
  const e = b.element ?? {};
  const blockId = escapeHtml(b.block_id ?? '');
  const actionId = escapeHtml(e.action_id ?? '');
  const attrs = `data-input="${escapeHtml(e.type ?? '')}" data-block-id="${blockId}" data-action-id="${actionId}"`;
  const label = `<div class="blk-label">${renderText(b.label, opts)}${b.optional ? ' <span class="optional">(optional)</span>' : ''}</div>`;
  let control: string;
  switch (e.type) {
    case 'radio_buttons':
      control = `<div class="blk-radios" ${attrs}>${(e.options ?? [])
        .map(
          (o) =>
            `<label><input type="radio" name="${blockId}.${actionId}" value="${escapeHtml(o.value ?? '')}" data-text="${escapeHtml(
              o.text?.text ?? '',
            )}"${o.value === e.initial_option?.value ? ' checked' : ''}> ${renderText(o.text, opts)}</label>`,
        )
        .join('')}</div>`;
      break;
    case 'static_select':
      control = `<select class="blk-select" ${attrs}>${(e.options ?? [])
        .map(
          (o) =>
            `<option value="${escapeHtml(o.value ?? '')}"${o.value === e.initial_option?.value ? ' selected' : ''}>${escapeHtml(
              o.text?.text ?? '',
            )}</option>`,
        )
        .join('')}</select>`;
      break;
    case 'plain_text_input': {
      const common = `${attrs} placeholder="${escapeHtml(e.placeholder?.text ?? '')}"${e.max_length ? ` maxlength="${e.max_length}"` : ''}`;
      control = e.multiline
        ? `<textarea class="blk-textinput" ${common}>${escapeHtml(e.initial_value ?? '')}</textarea>`
        : `<input class="blk-textinput" type="text" ${common} value="${escapeHtml(e.initial_value ?? '')}">`;
      break;
    }
    default:
      control = `<span class="sk-unsupported">${escapeHtml(e.type ?? 'input')}</span>`;
  }
  return `<div class="blk-input" data-block="${blockId}">${label}${control}<div class="blk-error" data-error-for="${blockId}"></div></div>`;
}
