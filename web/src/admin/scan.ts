import { ApiError } from '../api.js';
import { timeOf } from '../dates.js';
import { h, replace } from '../dom.js';
import type { AdminApi, EventAdmin, RegistrationAdmin, RegistrationStatus } from './api.js';
import { openDoorMode } from './registrations.js';
import { type AdminKey, t } from './texts/scan.js';
import { errorText } from './ui.js';

/**
 * `#/events/{id}/scan`: the door scanner for a phone. The camera's frames are read by the
 * browser's BarcodeDetector where it has one for QR codes, else by the qr package's decoder
 * (its own chunk, loaded only then); each code read checks in by code, and the answer is a big
 * panel, a sound and a vibration. The door mode's list is the fallback (no camera, a lost code).
 */

export interface Scanner {
  nodes: Node[];
  stop(): void;
}

/** A frame read this often: fast enough for a queue, light on a phone's battery. */
const FRAME_MS = 150;
/** The same code held in front of the camera is one scan, not one per frame. */
const SAME_CODE_MS = 4000;

type Read = (video: HTMLVideoElement) => Promise<string | undefined>;

interface NativeDetector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
interface NativeDetectorClass {
  new (options: { formats: string[] }): NativeDetector;
  getSupportedFormats(): Promise<string[]>;
}

/** The browser's detector if it reads QR codes; otherwise the JS decoder on a canvas copy of the frame. */
const chooseReader = async (): Promise<{ read: Read; decoder: 'native' | 'js' }> => {
  const Native = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
  const formats = Native ? await Native.getSupportedFormats().catch(() => []) : [];
  if (Native && formats.includes('qr_code')) {
    const detector = new Native({ formats: ['qr_code'] });
    return { decoder: 'native', read: async (video) => (await detector.detect(video))[0]?.rawValue };
  }
  const { decodeQR } = await import('qr/decode.js');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return {
    decoder: 'js',
    read: async (video) => {
      if (!context || !video.videoWidth) return undefined;
      // At most 640 px wide: enough for a code held up to the phone, and quick to decode.
      const scale = Math.min(1, 640 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      try {
        return decodeQR(context.getImageData(0, 0, canvas.width, canvas.height));
      } catch {
        return undefined; // no code in this frame
      }
    },
  };
};

/** A short beep: high for a welcome, two low ones for anything to look at. */
const beep = (audio: AudioContext | undefined, ok: boolean) => {
  if (!audio) return;
  void audio.resume().catch(() => undefined);
  const tones = ok ? [0] : [0, 0.18];
  for (const start of tones) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = ok ? 880 : 220;
    gain.gain.value = 0.2;
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(audio.currentTime + start);
    oscillator.stop(audio.currentTime + start + 0.12);
  }
};

const STATUS_KEYS: Record<RegistrationStatus, AdminKey> = {
  confirmed: 'regConfirmed',
  waitlisted: 'regWaitlisted',
  pending_confirmation: 'regPending',
  cancelled: 'regCancelled',
};

export const scanView = (api: AdminApi, event: EventAdmin): Scanner => {
  const dashboardHref = `#/events/${encodeURIComponent(event.id)}`;
  const video = h('video', {
    class: 'scan-video',
    muted: true,
    playsinline: true,
    'aria-label': t('scanCamera'),
  });
  video.muted = true; // a muted video may play without a tap
  const camera = h('div', { class: 'scan-camera' }, video);
  const headline = h('p', { class: 'scan-headline', id: 'scan-headline' }, t('scanStarting'));
  const detail = h('p', { class: 'scan-detail', id: 'scan-detail' });
  // The live region: what the last scan gave, read out as it changes.
  const result = h(
    'div',
    { class: 'scan-result', id: 'scan-result', role: 'status', 'aria-live': 'polite' },
    headline,
    detail,
  );
  const undo = h('button', { type: 'button', class: 'button', id: 'scan-undo', hidden: true });
  const search = h('a', { class: 'button', id: 'scan-search', href: dashboardHref }, t('scanSearch'));
  search.addEventListener('click', () => openDoorMode());
  const section = h(
    'section',
    { class: 'scanner', 'aria-labelledby': 'view-title' },
    h('p', { class: 'back' }, h('a', { href: dashboardHref }, event.title)),
    h('h1', { id: 'view-title', tabindex: '-1' }, t('scanTitle', { title: event.title })),
    camera,
    result,
    h('div', { class: 'actions' }, undo, search),
  );

  let stopped = false;
  let stream: MediaStream | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: { code: string; at: number } | undefined;
  let lastCheckedIn: RegistrationAdmin | undefined;
  const AudioContextClass = globalThis.AudioContext as typeof AudioContext | undefined;
  let audio: AudioContext | undefined;
  try {
    audio = AudioContextClass ? new AudioContextClass() : undefined;
  } catch {
    audio = undefined;
  }

  const show = (tone: 'ok' | 'warn' | 'error' | 'idle', title: string, text = '') => {
    result.className = `scan-result scan-${tone}`;
    headline.textContent = title;
    detail.textContent = text;
    if (tone !== 'idle') {
      beep(audio, tone === 'ok');
      navigator.vibrate?.(tone === 'ok' ? 120 : [120, 80, 120]);
    }
  };

  const showUndo = () => {
    undo.hidden = !lastCheckedIn;
    if (lastCheckedIn) undo.textContent = t('scanUndo', { name: lastCheckedIn.name });
  };

  undo.addEventListener('click', async () => {
    const registration = lastCheckedIn;
    if (!registration) return;
    undo.disabled = true;
    try {
      await api.undoCheckIn(event.id, registration.id);
      lastCheckedIn = undefined;
      last = undefined; // the same code may be scanned again at once
      show('idle', t('scanUndone', { name: registration.name }), t('scanAim'));
    } catch (error) {
      show('error', errorText(error));
    } finally {
      undo.disabled = false;
      showUndo();
    }
  });

  const checkIn = async (code: string) => {
    show('idle', t('scanChecking'));
    try {
      const registration = await api.checkInByCode(event.id, code);
      lastCheckedIn = registration;
      show('ok', registration.name, t('scanWelcome'));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'already_checked_in') {
        const at = error.fields.checkedInAt;
        show(
          'warn',
          error.fields.name ?? '',
          t('scanAlready', { time: at ? timeOf(at, event.timeZone) : '' }),
        );
      } else if (error instanceof ApiError && error.code === 'no_seat') {
        const status = error.fields.status as RegistrationStatus | undefined;
        show('error', t('scanNoSeat', { status: t(STATUS_KEYS[status ?? 'cancelled'] ?? 'regCancelled') }));
      } else if (error instanceof ApiError && error.code === 'not_found') {
        show('error', t('scanWrongEvent'));
      } else {
        show('error', errorText(error));
      }
    }
    showUndo();
  };

  const loop = (read: Read) => {
    const next = () => {
      if (!stopped) timer = setTimeout(() => void tick(), FRAME_MS);
    };
    const tick = async () => {
      const code = await read(video).catch(() => undefined);
      const now = Date.now();
      if (code && !(last && last.code === code && now - last.at < SAME_CODE_MS)) {
        last = { code, at: now };
        await checkIn(code);
      } else if (code && last) {
        last.at = now; // still held up: keep it one scan
      }
      next();
    };
    next();
  };

  const start = async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'environment' },
        audio: false,
      });
    } catch {
      camera.hidden = true;
      result.className = 'scan-result scan-error';
      headline.textContent = t('scanNoCamera');
      detail.textContent = '';
      search.classList.add('primary');
      return;
    }
    if (stopped) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    video.srcObject = stream;
    await video.play().catch(() => undefined);
    const { read, decoder } = await chooseReader();
    section.dataset.decoder = decoder;
    show('idle', t('scanAim'));
    loop(read);
  };
  void start();

  return {
    nodes: [section],
    stop() {
      stopped = true;
      clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
      void audio?.close().catch(() => undefined);
      replace(camera);
    },
  };
};
