import type { Intent } from '../decoder/index.js';
import type { Segment, Transcript, WordResult } from '../recognizer/index.js';

/** A file's transcript, with the warning its decoding gave (a file cut short), if any. */
export type FileResult = Transcript & { warning?: string };

/** A transcribed file: vosk-style words plus the utterance segments they came in, and with a context the intent. */
export interface FileTranscript {
  file: string;
  text: string;
  result: WordResult[];
  segments: Segment[];
  duration: number;
  intent?: Intent | null;
  warning?: string;
}

export type OutputFormat = 'txt' | 'json' | 'jsonl' | 'srt' | 'vtt';
export const OUTPUT_FORMATS: OutputFormat[] = ['txt', 'json', 'jsonl', 'srt', 'vtt'];

/** Subtitle cues hold at most this many words, as vosk-transcriber's do, and never span a segment break. */
const WORDS_PER_CUE = 7;

export function formatTranscript(t: FileTranscript, format: OutputFormat): string {
  switch (format) {
    case 'txt':
      return t.segments.map((s) => s.text).join('\n') + '\n';
    case 'json':
      return JSON.stringify(t, null, 2) + '\n';
    case 'jsonl':
      return JSON.stringify({ file: t.file, text: t.text, result: t.result, duration: t.duration, intent: t.intent, warning: t.warning }) + '\n';
    case 'srt':
      return cues(t).map((c, i) => `${i + 1}\n${timestamp(c.start, ',')} --> ${timestamp(c.end, ',')}\n${c.text}\n`).join('\n');
    case 'vtt':
      return 'WEBVTT\n\n' + cues(t).map((c) => `${timestamp(c.start, '.')} --> ${timestamp(c.end, '.')}\n${c.text}\n`).join('\n');
  }
}

interface Cue {
  start: number;
  end: number;
  text: string;
}

function cues(t: FileTranscript): Cue[] {
  const out: Cue[] = [];
  for (const segment of t.segments) {
    const words = t.result.filter((w) => w.start >= segment.start && w.end <= segment.end);
    for (let i = 0; i < words.length; i += WORDS_PER_CUE) {
      const group = words.slice(i, i + WORDS_PER_CUE);
      out.push({ start: group[0].start, end: group[group.length - 1].end, text: group.map((w) => w.word).join(' ') });
    }
  }
  return out;
}

/** HH:MM:SS,mmm (SRT) or HH:MM:SS.mmm (WebVTT). */
export function timestamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3600000))}:${pad(Math.floor(ms / 60000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}
