import type { EventRecord } from '../../../functions/events/model.js';
import { BODIES, framed, type Parts } from '../../../functions/mail/bodies.js';
import { dateRange, TEXT } from '../../../functions/mail/catalogue.js';
import type { Block } from '../../../functions/mail/layout.js';
import { h, replace, safeHref } from '../dom.js';
import type { FollowUp } from './api.js';
import { t } from './i18n.js';

/**
 * A follow-up as the registrant reads it: the same blocks the email is written from
 * (functions/mail/bodies.ts, in the event's language), drawn with the page's styles. The email's
 * own HTML is not shown in a frame: the page's Content-Security-Policy would strip its styles.
 */

export interface PreviewEvent
  extends Pick<EventRecord, 'title' | 'startsAt' | 'endsAt' | 'timeZone' | 'format' | 'language'> {
  venue: EventRecord['venue'] | undefined;
  organiserName: string;
  followUp: FollowUp | null;
}

const blockElement = (block: Block) => {
  if (block.type === 'paragraph') return h('p', {}, block.text);
  if (block.type === 'facts') {
    return h(
      'table',
      { class: 'mail-facts' },
      h(
        'tbody',
        {},
        block.rows.map(([label, value]) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, value))),
      ),
    );
  }
  // Not in a follow-up: the door code goes with the confirmation and the reminders only.
  if (block.type === 'checkInCode') return null;
  // The replay link can be tried; the registration link does not exist yet.
  const href = safeHref(block.url);
  const attrs = { class: block.primary ? 'mail-button' : 'mail-link' };
  return h(
    'p',
    {},
    href
      ? h('a', { ...attrs, href, target: '_blank', rel: 'noopener noreferrer' }, block.label)
      : h('span', attrs, block.label),
  );
};

export const drawPreview = (target: HTMLElement, group: 'attended' | 'absent', event: PreviewEvent): void => {
  const message = event.followUp?.[group];
  if (!message) {
    replace(target, h('p', { class: 'muted' }, t('followUpNone')));
    return;
  }
  const text = TEXT[event.language];
  const record = { ...event, venue: event.venue ?? null } as unknown as EventRecord;
  const parts: Parts = {
    text,
    title: text.quote(event.title),
    // Dates still being typed may not read yet.
    when: Number.isNaN(Date.parse(event.startsAt) + Date.parse(event.endsAt))
      ? ''
      : dateRange(event, event.language),
    deadline: undefined,
    joinUrl: null,
    invite: undefined,
    // A follow-up carries no door code.
    checkInCode: null,
  };
  const context = {
    event: record,
    organiser: { name: event.organiserName },
    manageUrl: '',
    registration: { name: '', status: 'confirmed' as const },
  };
  const body = BODIES[group === 'attended' ? 'follow_up_attended' : 'follow_up_absent'](context, parts);
  const blocks = framed(text, undefined, event.organiserName, body);
  replace(
    target,
    h(
      'article',
      { lang: event.language, 'aria-label': t('followUpPreviewLabel') },
      h('p', { class: 'mail-subject' }, t('followUpSubjectLine', { subject: message.subject })),
      blocks.map(blockElement),
    ),
  );
};
