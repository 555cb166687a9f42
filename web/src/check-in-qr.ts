import { encodeQR } from 'qr';

/**
 * A check-in code drawn as a QR code, in SVG (sharp at any size, printable). Its own chunk:
 * the manage page loads it only for a seat holder, after the page is shown.
 */

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
