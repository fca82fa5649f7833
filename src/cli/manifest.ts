import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** One row of a ../shared-style manifest.tsv, with `audio` resolved against the manifest's folder. */
export interface ManifestEntry {
  audio: string;
  text: string;
  speaker: string;
  split: string;
  seconds: number;
}

export async function readManifest(file: string): Promise<ManifestEntry[]> {
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/).filter((line) => line.length > 0);
  const header = lines[0].split('\t');
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0 && name === 'audio') throw new Error(`${file}: no 'audio' column in the header`);
    return index;
  };
  const [audio, text, speaker, split, seconds] = ['audio', 'text', 'speaker', 'split', 'seconds'].map(column);
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    return {
      audio: path.resolve(path.dirname(file), cells[audio]),
      text: text >= 0 ? (cells[text] ?? '') : '',
      speaker: speaker >= 0 ? (cells[speaker] ?? '') : '',
      split: split >= 0 ? (cells[split] ?? '') : '',
      seconds: seconds >= 0 ? Number(cells[seconds]) || 0 : 0,
    };
  });
}
