import { parseArgs } from 'node:util';
import { Microphone, MicrophoneError, type Recorder } from '../audio/index.js';
import { DEFAULT_ENDPOINT_RULES, Model, type EndpointRules, type FinalResult, type RecognizerStream } from '../recognizer/index.js';
import { contextOptions, DECODING_HELP, DECODING_OPTIONS, decodingSetup } from './decoding-options.js';
import { UsageError } from './errors.js';
import { concatArrays } from '../audio/concat.js';

export const LISTEN_HELP = `earshot listen [options]

Live transcription from the microphone, recorded through arecord (package alsa-utils)
or rec/sox (package sox). On a terminal the partial result is redrawn in place on one
line and each final gets a line of its own; piped, only finals are printed.
Ctrl-C stops listening and prints the final of what was heard so far; a second Ctrl-C
quits at once.

Options:
  --device D           capture device: arecord's -D name (e.g. plughw:1,0) or sox's AUDIODEV
                       (default: the system's default input)
  --recorder R         arecord | rec | sox (default: arecord on Linux when installed, else rec)
  --json               one vosk-shaped JSON object per line: {"partial"} whenever the partial
                       changes, {"text", "result"} for each final ({"text", "result", "intent"}
                       with --context); without it, --context prints each final's intent below it
  --silence S          seconds of silence after speech that end an utterance (default ${DEFAULT_ENDPOINT_RULES.silenceAfterSpeech})
  --silence-without-speech S
                       seconds of silence that end an utterance with nothing recognised (default ${DEFAULT_ENDPOINT_RULES.silenceWithoutSpeech})
  --max-utterance S    seconds at which an utterance is cut, in its longest pause (default ${DEFAULT_ENDPOINT_RULES.maxUtterance})
${DECODING_HELP}`;

const RECORDERS: readonly Recorder[] = ['arecord', 'rec', 'sox'];

export async function listenCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      device: { type: 'string' },
      recorder: { type: 'string' },
      json: { type: 'boolean' },
      ...DECODING_OPTIONS,
      silence: { type: 'string' },
      'silence-without-speech': { type: 'string' },
      'max-utterance': { type: 'string' },
    },
  });
  const endpoint = endpointRules(values);
  const decoding = await decodingSetup(values);
  let microphone: Microphone;
  try {
    microphone = new Microphone({ device: values.device, recorder: recorderOption(values.recorder) });
  } catch (error) {
    if (error instanceof MicrophoneError) return reportError(error);
    throw error;
  }
  const model = await Model.load(decoding.modelDir, decoding.load);
  const stream = model.createStream({ sampleRate: microphone.sampleRate, words: true, endpoint, ...decoding.stream, ...contextOptions(decoding.context) });
  const output = values.json ? new JsonLines() : process.stdout.isTTY ? new TerminalLine() : new FinalLines();
  if (process.stderr.isTTY) process.stderr.write(`Listening through ${microphone.recorder}; Ctrl-C to stop.\n`);
  try {
    return await transcribeLive(microphone, stream, output);
  } finally {
    microphone.stop();
    await model.release();
  }
}

/** Where live results go: partials as the utterance grows, finals as utterances end. */
interface LiveOutput {
  partial(text: string): void;
  final(result: FinalResult): void;
  /** Leaves the terminal clean for an error message. */
  end(): void;
}

/**
 * Feeds microphone audio to the stream until Ctrl-C (0) or a recorder failure (1). Chunks that
 * arrive while the model is busy are fed together, so a slow machine falls behind without
 * queueing a decode per chunk.
 */
function transcribeLive(microphone: Microphone, stream: RecognizerStream, output: LiveOutput): Promise<number> {
  return new Promise((resolve, reject) => {
    let waiting: Int16Array[] = [];
    let work = Promise.resolve();
    const enqueue = (task: () => Promise<void>): void => {
      work = work.then(task);
      work.catch(reject);
    };
    const feedWaiting = async (): Promise<void> => {
      const samples = concatArrays(Int16Array, waiting);
      waiting = [];
      await feed(stream, samples, output);
    };
    const interrupt = (): void => {
      microphone.stop();
      enqueue(async () => output.final(await stream.finalResult()));
      work.then(() => resolve(0), reject);
    };
    process.once('SIGINT', interrupt);
    microphone.start(
      (pcm) => {
        waiting.push(pcm);
        if (waiting.length === 1) enqueue(feedWaiting);
      },
      (error) => {
        process.off('SIGINT', interrupt);
        output.end();
        resolve(reportError(error));
      },
    );
  });
}

async function feed(stream: RecognizerStream, samples: Int16Array, output: LiveOutput): Promise<void> {
  if (await stream.acceptWaveform(samples)) {
    for (let n = stream.pendingFinals(); n > 0; n--) output.final(stream.result());
  }
  output.partial(stream.partialResult().partial);
}

class JsonLines implements LiveOutput {
  private shown = '';

  partial(text: string): void {
    if (text === this.shown) return;
    this.shown = text;
    process.stdout.write(JSON.stringify({ partial: text }) + '\n');
  }

  final(result: FinalResult): void {
    this.shown = '';
    process.stdout.write(JSON.stringify(result) + '\n');
  }

  end(): void {}
}

/** Finals only, one per line, for a pipe or a file. */
class FinalLines implements LiveOutput {
  partial(): void {}

  final(result: FinalResult): void {
    if (result.text) process.stdout.write(result.text + '\n' + intentLine(result));
  }

  end(): void {}
}

/** The partial on one line rewritten in place, each final on a line of its own. */
class TerminalLine implements LiveOutput {
  /** The partial as drawn, cut to the terminal's width. */
  private shown = '';

  partial(text: string): void {
    // Columns left free: two for the "^C" the terminal echoes on Ctrl-C, one because writing the
    // last column makes some terminals wrap; a wrapped line would not be cleared by the next redraw.
    const line = tail(text, (process.stdout.columns || 80) - 3);
    if (line === this.shown) return;
    this.shown = line;
    process.stdout.write(`\r\x1b[K${line}`);
  }

  final(result: FinalResult): void {
    this.shown = '';
    process.stdout.write(result.text ? `\r\x1b[K${result.text}\n${intentLine(result)}` : '\r\x1b[K');
  }

  end(): void {
    if (this.shown) process.stdout.write('\r\x1b[K');
  }
}

/** With a context, the final's intent on a line of its own: `  -> name {slots} (confidence)`, or `  -> not understood`. */
export function intentLine(result: FinalResult): string {
  if (result.intent === undefined) return '';
  if (result.intent === null) return '  -> not understood\n';
  const { name, slots, confidence } = result.intent;
  return `  -> ${name} ${JSON.stringify(slots)} (${confidence})\n`;
}

/** The end of `text` that fits in `width` columns, marked with an ellipsis when cut. */
export function tail(text: string, width: number): string {
  if (text.length <= width) return text;
  return '…' + text.slice(text.length - Math.max(width - 1, 0));
}

function reportError(error: MicrophoneError): number {
  process.stderr.write(`earshot listen: ${error.message}\n`);
  return 1;
}

function recorderOption(value: string | undefined): Recorder | undefined {
  if (value === undefined || (RECORDERS as string[]).includes(value)) return value as Recorder | undefined;
  throw new UsageError(`unknown --recorder '${value}'; use ${RECORDERS.join(', ')}`);
}

const ENDPOINT_OPTIONS = { silence: 'silenceAfterSpeech', 'silence-without-speech': 'silenceWithoutSpeech', 'max-utterance': 'maxUtterance' } as const;

/** The endpoint rules given on the command line; the stream's defaults fill in the rest. */
function endpointRules(values: Partial<Record<keyof typeof ENDPOINT_OPTIONS, string>>): Partial<EndpointRules> {
  const rules: Partial<EndpointRules> = {};
  for (const [flag, rule] of Object.entries(ENDPOINT_OPTIONS) as [keyof typeof ENDPOINT_OPTIONS, keyof EndpointRules][]) {
    const value = values[flag];
    if (value !== undefined) rules[rule] = seconds(value, `--${flag}`);
  }
  return rules;
}

function seconds(value: string, name: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`${name} must be a positive number of seconds, got '${value}'`);
  return n;
}
