#!/usr/bin/env node
import { CommandError, UsageError } from './errors.js';
import { EVAL_HELP, evalCommand } from './eval.js';
import { FEATURES_HELP, featuresCommand } from './features.js';
import { JOBS_HELP, jobsCommand } from './jobs.js';
import { LISTEN_HELP, listenCommand } from './listen.js';
import { SERVE_HELP, serveCommand } from './serve.js';
import { TRANSCRIBE_HELP, transcribeCommand } from './transcribe.js';
import { WORKER_HELP, workerCommand } from './worker.js';

const HELP = `earshot: offline speech recognition

Usage: earshot <command> [options]

Commands:
  transcribe   transcribe audio files and folders (txt, json, jsonl, srt, vtt)
  listen       live transcription from the microphone
  serve        WebSocket server speaking the vosk protocol, with a web page
  worker       transcribe files queued on Redis by 'transcribe --redis' (docs/scale-out.md)
  jobs         list queued batches, or collect one's results
  eval         word and character error rates against references
  features     compute model input features for training

Run 'earshot <command> --help' for a command's options.`;

type Command = { run: (argv: string[]) => Promise<number>; help: string };

const COMMANDS: Record<string, Command> = {
  transcribe: { run: transcribeCommand, help: TRANSCRIBE_HELP },
  listen: { run: listenCommand, help: LISTEN_HELP },
  serve: { run: serveCommand, help: SERVE_HELP },
  worker: { run: workerCommand, help: WORKER_HELP },
  jobs: { run: jobsCommand, help: JOBS_HELP },
  eval: { run: evalCommand, help: EVAL_HELP },
  features: { run: featuresCommand, help: FEATURES_HELP },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(HELP + '\n');
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`earshot: unknown command '${name}'\n\n${HELP}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(error.message + '\n');
      return 2;
    }
    if (error instanceof CommandError) {
      process.stderr.write(`earshot ${name}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`earshot ${name}: ${error.message}\n\n${command.help}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
