import { rename, writeFile } from 'node:fs/promises';

/**
 * Writes `file` whole: to `<file>.tmp` first, then renamed over it, so a crash leaves the old
 * content or the new, never half (the stream checkpoints, the webhook queue's jobs).
 */
export const writeWhole = async (file: string, text: string): Promise<void> => {
  const temporary = `${file}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
};
