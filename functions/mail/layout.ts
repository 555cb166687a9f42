import type { Language } from '../platform/fields.js';

/**
 * How every message is laid out. A message is built once as a list of blocks, then written
 * out twice (plain text and HTML) from that list: the two bodies cannot drift apart, and
 * every value reaches the HTML through one escaping function.
 */

export type Block =
  | { type: 'paragraph'; text: string }
  | { type: 'facts'; rows: [label: string, value: string][] }
  | { type: 'link'; label: string; url: string; primary?: boolean }
  /** A check-in code: a QR code image (the message's inline part `CHECK_IN_CID`) and the code in text. */
  | { type: 'checkInCode'; label: string; code: string };

/** The Content-ID of a message's QR code image (compose.ts attaches it). */
export const CHECK_IN_CID = 'check-in-code@inscriptions';
/** Its size in the HTML, in CSS pixels (the PNG has more, for sharp screens). */
const CHECK_IN_SIZE = 180;

export const paragraph = (text: string): Block => ({ type: 'paragraph', text });

/** `colon` is the language's own (French puts a space before it). */
const blockText = (block: Block, colon: string): string => {
  if (block.type === 'paragraph') return block.text;
  if (block.type === 'facts')
    return block.rows.map(([label, value]) => `${label}${colon} ${value}`).join('\n');
  if (block.type === 'checkInCode') return `${block.label}${colon} ${block.code}`;
  return `${block.label}${colon}\n${block.url}`;
};

export const toText = (blocks: Block[], colon: string): string =>
  `${blocks.map((block) => blockText(block, colon)).join('\n\n')}\n`;

/** For HTML text and attribute values alike. */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** Only web links become clickable; anything else stays visible text. */
const isWebUrl = (url: string): boolean => /^https?:\/\//i.test(url);

const FONT = 'font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328';
const P = '<p style="margin:0 0 16px">';
const BUTTON =
  'display:inline-block;padding:10px 18px;background:#0b57d0;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:600';
const TH = 'text-align:left;vertical-align:top;padding:2px 16px 2px 0;font-weight:600';

const blockHtml = (block: Block, colon: string): string => {
  if (block.type === 'paragraph') return `${P}${escapeHtml(block.text)}</p>`;
  if (block.type === 'facts') {
    const rows = block.rows.map(
      ([label, value]) =>
        `<tr><th scope="row" style="${TH}">${escapeHtml(label)}</th><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`,
    );
    return `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${rows.join('')}</table>`;
  }
  if (block.type === 'checkInCode') {
    const code = escapeHtml(block.code);
    return `${P}${escapeHtml(block.label)}</p>
${P}<img src="cid:${CHECK_IN_CID}" width="${CHECK_IN_SIZE}" height="${CHECK_IN_SIZE}" alt="${code}" style="display:block;border:0"></p>
<p style="margin:0 0 16px;font-family:monospace;font-size:13px;word-break:break-all">${code}</p>`;
  }
  if (!isWebUrl(block.url)) return `${P}${escapeHtml(`${block.label}${colon} ${block.url}`)}</p>`;
  const style = block.primary ? BUTTON : 'color:#0b57d0';
  return `${P}<a href="${escapeHtml(block.url)}" style="${style}">${escapeHtml(block.label)}</a></p>`;
};

export const toHtml = (blocks: Block[], subject: string, language: Language, colon: string): string => {
  const body = blocks.map((block) => blockHtml(block, colon)).join('\n');
  return `<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#ffffff">
<div style="max-width:600px;${FONT}">
${body}
</div>
</body>
</html>
`;
};
