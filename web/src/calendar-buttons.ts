import { h, safeHref } from './dom.js';

export interface CalendarButton {
  href: string;
  label: string;
  /** The .ics file downloads; the Google and Outlook links open in a new tab. */
  download?: boolean;
  primary?: boolean;
}

/** The add-to-calendar block of the event and manage pages, as buttons big enough for a thumb. */
export const calendarButtons = (heading: string, buttons: CalendarButton[]) =>
  h(
    'div',
    { class: 'calendar-links' },
    h('h3', {}, heading),
    h(
      'ul',
      { class: 'inline buttons' },
      buttons.map((button) =>
        h(
          'li',
          {},
          h(
            'a',
            button.download
              ? {
                  class: button.primary ? 'button primary' : 'button',
                  href: safeHref(button.href),
                  download: 'invitation.ics',
                }
              : {
                  class: button.primary ? 'button primary' : 'button',
                  href: safeHref(button.href),
                  target: '_blank',
                  rel: 'noopener',
                },
            button.label,
          ),
        ),
      ),
    ),
  );
