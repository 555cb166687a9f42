/**
 * The language machinery every page shares: the visitor's language (a saved choice, else
 * the browser's languages), the FR/EN switch, and typed dictionaries. Each page brings its
 * own dictionary (`dictionary(fr, en)`), so a page only ships the strings it shows.
 */

export type Lang = 'fr' | 'en';

export type Plural = { one: string; other: string };
export type Entries = Record<string, string | Plural>;
export type KeyOf<M> = { [K in keyof M]: M[K] extends string ? K : never }[keyof M] & string;
export type PluralKeyOf<M> = { [K in keyof M]: M[K] extends Plural ? K : never }[keyof M] & string;
export type Params = Record<string, string | number>;

const STORAGE_KEY = 'lang';

export const isLang = (value: unknown): value is Lang => value === 'fr' || value === 'en';

const detect = (): Lang => {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // Storage may be blocked (a third-party frame, a strict browser); use the browser's languages.
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().slice(0, 2);
    if (isLang(base)) return base;
  }
  return 'en';
};

let current: Lang = detect();

export const lang = (): Lang => current;

/** The BCP 47 locale used for dates and numbers. */
export const locale = (): string => (current === 'fr' ? 'fr-FR' : 'en-GB');

/** French typography: a no-break space before `: ; ? !` and inside « », so they never start a line. */
const typeset = (text: string): string =>
  current === 'fr' ? text.replace(/ ([:;?!»])/g, '\u00a0$1').replace(/« /g, '«\u00a0') : text;

const fill = (text: string, params: Params): string =>
  typeset(text).replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );

export interface Dictionary<M extends Entries> {
  t(key: KeyOf<M>, params?: Params): string;
  plural(key: PluralKeyOf<M>, n: number): string;
  has(key: string): key is KeyOf<M>;
}

export const dictionary = <M extends Entries>(fr: M, en: { [K in keyof M]: M[K] }): Dictionary<M> => {
  const messages: Record<Lang, M> = { fr, en: en as M };
  return {
    t: (key, params = {}) => fill(messages[current][key] as string, params),
    plural: (key, n) => {
      const forms = messages[current][key] as Plural;
      const form = new Intl.PluralRules(locale()).select(n) === 'one' ? forms.one : forms.other;
      return fill(form, { n: n.toLocaleString(locale()) });
    },
    has: (key): key is KeyOf<M> => typeof fr[key] === 'string',
  };
};

const listeners: (() => void)[] = [];

export const onLangChange = (listener: () => void): void => {
  listeners.push(listener);
};

/** Translates the page's static text (`data-i18n`), its `lang` and the switch's state. */
const applyStatic = (translate: (key: string) => string | undefined): void => {
  document.documentElement.lang = current;
  for (const element of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const text = translate(element.dataset.i18n ?? '');
    if (text !== undefined) element.textContent = text;
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === current));
  }
};

export const setLang = (next: Lang, translate: (key: string) => string | undefined): void => {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not saved; the choice still applies to this page.
  }
  applyStatic(translate);
  for (const listener of listeners) listener();
};

/** Wires the FR/EN buttons of the page header; `translate` reads the page's dictionary. */
export const setupLanguageSwitch = <M extends Entries>(dict: Dictionary<M>): void => {
  const translate = (key: string) => (dict.has(key) ? dict.t(key) : undefined);
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-lang]')) {
    button.addEventListener('click', () => {
      const next = button.dataset.lang;
      if (isLang(next) && next !== current) setLang(next, translate);
    });
  }
  applyStatic(translate);
};
