/**
 * Readable event ids from titles ("Un patron doit-il tweeter ?" -> `un-patron-doit-il-tweeter`):
 * the id is in every link, calendar entry and embed, so a person should be able to read it.
 */

/** Long enough to read, short enough for a link; with a `-NNN` suffix it stays an identifier (64). */
export const SLUG_MAX = 60;

/** Letters that Unicode decomposition leaves alone (no accent to drop), spelt in ASCII. */
const FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
};
const FOLDED = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'g');

/**
 * Lower-case ASCII letters and digits joined by single hyphens, accents folded (é -> e, ø -> o,
 * ß -> ss), at most SLUG_MAX characters, cut at a hyphen where one is near. Empty when the
 * title has no letter or digit that folds to ASCII (then the caller makes a random id).
 */
export const slugOf = (title: string): string => {
  const ascii = title
    .toLowerCase()
    .replace(FOLDED, (letter) => FOLDS[letter] ?? letter)
    // NFKD splits é into e + a combining accent (and ligatures such as ﬁ into fi): drop the marks.
    .normalize('NFKD')
    .replace(/\p{M}/gu, '');
  const slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (slug.length <= SLUG_MAX) return slug;
  const cut = slug.slice(0, SLUG_MAX + 1);
  // Whole words when a hyphen falls in the last third; otherwise the plain cut.
  const lastHyphen = cut.lastIndexOf('-');
  return (lastHyphen > (SLUG_MAX * 2) / 3 ? cut.slice(0, lastHyphen) : cut.slice(0, SLUG_MAX)).replace(
    /-+$/,
    '',
  );
};

/** The id to try the `attempt`-th time (1, 2, 3...): the slug, then `slug-2`, `slug-3`... */
export const slugCandidate = (slug: string, attempt: number): string =>
  attempt === 1 ? slug : `${slug}-${attempt}`;
