import type { ModalView } from '@slack/types';
import { decodeActionRef, encodeActionRef, MUTE_VIEW_ID, type ActionRef } from '../../remediation/actions';
import type { Locale } from '../i18n/locale';
import { sentenceWords } from '../i18n/sentence-words';
import { MUTE_CHOICES, truncate, type MuteChoice } from '../text';
import { slackWords } from './slack-i18n';

/**
 * The dialog behind the Mute button, in LOCALE: how long (MUTE_CHOICES) and why. The alert reference and the
 * channel travel in `private_metadata` (at most 3000 characters; a button value is at most 2000).
 */
const BLOCK = { duration: 'mute_duration', reason: 'mute_reason' } as const;
const ELEMENT = { duration: 'choice', reason: 'text' } as const;

export function renderSlackMuteModal(input: {
  ref: ActionRef;
  channel: string;
  choices: MuteChoice[];
  /** LOCALE (default `en`). */
  locale?: Locale;
}): ModalView {
  const w = slackWords(input.locale).muteModal;
  const label = sentenceWords(input.locale).mute.choice;
  const options = MUTE_CHOICES.filter((c) => input.choices.includes(c.value)).map((c) => ({
    text: { type: 'plain_text' as const, text: label[c.value] },
    value: c.value,
  }));
  const name = input.ref.secretName || input.ref.secretId || w.thisAlert;
  return {
    type: 'modal',
    callback_id: MUTE_VIEW_ID,
    private_metadata: JSON.stringify({ r: encodeActionRef(input.ref), c: input.channel }),
    title: { type: 'plain_text', text: w.title },
    submit: { type: 'plain_text', text: w.submit },
    close: { type: 'plain_text', text: w.close },
    blocks: [
      {
        type: 'section',
        text: { type: 'plain_text', text: truncate(w.intro(name), 2900) },
      },
      {
        type: 'input',
        block_id: BLOCK.duration,
        label: { type: 'plain_text', text: w.duration },
        element: {
          type: 'radio_buttons',
          action_id: ELEMENT.duration,
          options,
          ...(options[0] ? { initial_option: options[0] } : {}),
        },
      },
      {
        type: 'input',
        block_id: BLOCK.reason,
        optional: true,
        label: { type: 'plain_text', text: w.reason },
        element: {
          type: 'plain_text_input',
          action_id: ELEMENT.reason,
          max_length: 500,
          placeholder: { type: 'plain_text', text: w.placeholder },
        },
      },
    ],
  };
}

export interface MuteSubmission {
  ref: ActionRef;
  channel: string;
  choice: string;
  reason?: string;
}

/** Reads a submitted mute dialog; undefined if it is not one of ours or was tampered with. */
export function readSlackMuteModal(view: {
  private_metadata?: string;
  state?: { values?: Record<string, Record<string, unknown>> };
}): MuteSubmission | undefined {
  let meta: { r?: unknown; c?: unknown };
  try {
    meta = JSON.parse(view.private_metadata ?? '') as { r?: unknown; c?: unknown };
  } catch {
    return undefined;
  }
  const ref = typeof meta.r === 'string' ? decodeActionRef(meta.r) : undefined;
  if (!ref || typeof meta.c !== 'string') return undefined;
  const values = view.state?.values ?? {};
  const duration = values[BLOCK.duration]?.[ELEMENT.duration] as
    { selected_option?: { value?: string } } | undefined;
  const reason = values[BLOCK.reason]?.[ELEMENT.reason] as { value?: string | null } | undefined;
  const text = (reason?.value ?? '').trim();
  return {
    ref,
    channel: meta.c,
    choice: duration?.selected_option?.value ?? '',
    ...(text ? { reason: text.slice(0, 500) } : {}),
  };
}

/** Where an error about a field of the dialog goes (`response_action: errors`). */
export const MUTE_MODAL_BLOCKS = BLOCK;
