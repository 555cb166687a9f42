import { h } from '../dom.js';
import type { EventAdmin, FollowUp } from './api.js';
import { t } from './i18n.js';
import { labelled } from './ui.js';

/**
 * The editor's "After the event" section: the message for those who came, the one for those who
 * did not, and the replay link, each message with a preview as the registrant will read it
 * (follow-up-preview.ts, loaded when the section is built: the words and blocks of the emails).
 */

const GROUPS = ['attended', 'absent'] as const;
type Group = (typeof GROUPS)[number];

const textOf = (form: HTMLElement, id: string): string =>
  (form.querySelector<HTMLInputElement | HTMLTextAreaElement>(`#${id}`)?.value ?? '').replace(/\r\n/g, '\n');

/** The section's content as the API's `followUp`: a message only if something of it is typed; null: none. */
export const followUpOf = (form: HTMLElement): FollowUp | null => {
  const followUp: FollowUp = {};
  for (const group of GROUPS) {
    const subject = textOf(form, `ed-followUp-${group}-subject`).trim();
    const body = textOf(form, `ed-followUp-${group}-body`);
    if (subject || body.trim()) followUp[group] = { subject, body };
  }
  const replayUrl = textOf(form, 'ed-followUp-replayUrl').trim();
  if (replayUrl) followUp.replayUrl = replayUrl;
  return Object.keys(followUp).length ? followUp : null;
};

/** What the preview is drawn from besides the texts: the rest of the form, read when it redraws. */
export interface PreviewSource {
  event: () => Pick<EventAdmin, 'title' | 'startsAt' | 'endsAt' | 'timeZone' | 'format' | 'language'> & {
    venue: EventAdmin['venue'] | null;
    organiserName: string;
  };
}

const messageFields = (group: Group, original: FollowUp | null | undefined) => {
  const message = original?.[group];
  const preview = h('div', {
    class: 'mail-preview',
    id: `ed-followUp-${group}-preview`,
    'aria-live': 'polite',
  });
  return {
    preview,
    fieldset: h(
      'fieldset',
      { class: 'group', id: `ed-followUp-${group}` },
      h('legend', {}, t(group === 'attended' ? 'followUpAttended' : 'followUpAbsent')),
      labelled(
        `ed-followUp-${group}-subject`,
        t('followUpSubject'),
        h('input', { type: 'text', value: message?.subject ?? '', maxlength: 200 }),
      ),
      labelled(
        `ed-followUp-${group}-body`,
        t('followUpBody'),
        h('textarea', { rows: 5, maxlength: 5000 }, message?.body ?? ''),
        { hint: t('followUpBodyHint') },
      ),
      h(
        'details',
        { class: 'preview-box' },
        h('summary', {}, t(group === 'attended' ? 'followUpPreviewAttended' : 'followUpPreviewAbsent')),
        preview,
      ),
    ),
  };
};

export const followUpSection = (original: EventAdmin | undefined, source: PreviewSource) => {
  const followUp = original?.followUp;
  const groups = GROUPS.map((group) => ({ group, ...messageFields(group, followUp) }));
  const section = h(
    'section',
    { class: 'editor-section', 'aria-labelledby': 'ed-followUp-title' },
    h('h2', { id: 'ed-followUp-title' }, t('sectionFollowUp')),
    h('p', { class: 'hint', id: 'ed-followUp-hint' }, t('followUpHint')),
    groups.map(({ fieldset }) => fieldset),
    labelled(
      'ed-followUp-replayUrl',
      t('followUpReplayUrl'),
      h('input', { type: 'url', value: followUp?.replayUrl ?? '', placeholder: 'https://' }),
      { hint: t('followUpReplayUrlHint') },
    ),
  );
  // The preview code (the emails' words and blocks) comes in its own chunk.
  const previewer = import('./follow-up-preview.js');
  const redraw = async () => {
    const { drawPreview } = await previewer;
    const followUpNow = followUpOf(section);
    for (const { group, preview } of groups)
      drawPreview(preview, group, { ...source.event(), followUp: followUpNow });
  };
  section.addEventListener('input', () => void redraw());
  // Opening a preview draws it with the form as it is now (title, dates, language).
  for (const { fieldset } of groups)
    fieldset.querySelector('details')?.addEventListener('toggle', () => void redraw());
  void redraw().catch(() => undefined);
  return section;
};
