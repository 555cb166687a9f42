import { encodeQR } from 'qr';
import { h } from './dom.js';
import { lang } from './i18n-core.js';

/**
 * A seat holder's check-in code on the manage page: the QR code, in SVG (sharp at any size,
 * printable), and the code in text. Its own chunk, words included (the page's shared texts are
 * at its size budget): the manage page loads it only for a seat holder, after it is shown.
 */

const WORDS = {
  fr: {
    title: "Votre code d'entrée",
    // The no-break space the page's texts get from i18n-core's typesetting.
    help: "Présentez ce QR code à l'accueil\u00a0: il est scanné à l'entrée. À défaut, donnez votre nom.",
    qr: "QR code d'entrée",
  },
  en: {
    title: 'Your check-in code',
    help: 'Show this QR code at the door: it is scanned on the way in. Failing that, give your name.',
    qr: 'Check-in QR code',
  },
};

export const checkInContent = (code: string): Node[] => {
  const words = WORDS[lang()];
  return [
    h('h3', {}, words.title),
    h('div', { class: 'check-in-qr' }, qrSvg(code, words.qr)),
    h('p', { class: 'check-in-code' }, code),
    h('p', { class: 'note' }, words.help),
  ];
};

const SVG = 'http://www.w3.org/2000/svg';

export const qrSvg = (code: string, label: string): SVGSVGElement => {
  // The same symbol as the emails' (functions/mail/qr-png.ts): medium correction, a 4-module quiet zone.
  const modules = encodeQR(code, 'raw', { ecc: 'medium', border: 4 });
  const size = modules.length;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(size));
  background.setAttribute('height', String(size));
  background.setAttribute('fill', '#fff');
  const path = document.createElementNS(SVG, 'path');
  let d = '';
  modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    });
  });
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(background, path);
  return svg;
};
