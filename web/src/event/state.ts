import type { EventPublic, RegistrationView } from '../api.js';
import type { FieldProblem } from '../field-problems.js';
import type { Key } from '../texts/event.js';

/** What the event page knows, shared by its parts (details, form, outcome, embed card). */

export type Outcome =
  | { kind: 'registered'; registration: RegistrationView; manageUrl?: string }
  | { kind: 'already'; email: string }
  | { kind: 'blocked'; key: Key };

export const params = new URLSearchParams(location.search);

/** `?embed=1`: the page is in a frame on another site, put there by embed.js. */
export const embedded = params.get('embed') === '1';
/** `?preview=1`: an organiser looking at a draft (or any of their events) before it is public. */
export const preview = params.get('preview') === '1';

export const state: {
  event?: EventPublic;
  outcome?: Outcome;
  /** Problems by field key, from the schema or the API. */
  errors: Record<string, FieldProblem>;
  formError?: Key;
  sending: boolean;
  /** Embed mode: the form is open (the card's button was pressed). */
  open: boolean;
} = { errors: {}, sending: false, open: !embedded };
