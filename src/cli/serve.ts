import os from 'node:os';
import { parseArgs } from 'node:util';
import { Microphone, MicrophoneError } from '../audio/index.js';
import { Model } from '../recognizer/index.js';
import { createServer, DEFAULT_SAMPLE_RATE, RedisRelay, SERVER_DEFAULTS, type ServerOptions } from '../server/index.js';
import { contextOptions, decodingSetup, MODEL_HELP, MODEL_OPTIONS, positiveInt } from './decoding-options.js';
import { checkRedis } from '../queue/connection.js';
import { UsageError } from './errors.js';

export const SERVE_HELP = `earshot serve [options]

Serves, on one port:
  ws://HOST:PORT/           the vosk-server WebSocket protocol: binary frames of 16-bit mono PCM
                            (${DEFAULT_SAMPLE_RATE} Hz unless a {"config": {"sample_rate": N}} says otherwise),
                            {"eof": 1}, {"reset": 1}; one JSON reply per audio frame
  ws://HOST:PORT/subscribe  every session's transcript as JSON events
  POST http://HOST:PORT/transcribe
                            a whole audio file, as the body or a form's 'file' field;
                            the reply is its transcript as JSON
  http://HOST:PORT/         a web page that streams the browser's microphone, or recognises it
                            in the browser itself (the model's files under /model/; needs
                            npm run build:web); ?view=subscribe shows every session
Ctrl-C stops the server. See docs/server.md for the protocol.

Options:
  --host H             interface to listen on (default ${SERVER_DEFAULTS.host}: this machine only)
  --port N             port (default ${SERVER_DEFAULTS.port}; 0 picks a free one)
  --token T            clients must send ?token=T or "Authorization: Bearer T" (default: the
                       EARSHOT_TOKEN environment variable; none when unset)
  --max-sessions N     audio sessions at once, streams and uploads; more are refused with close
                       code 1013 or HTTP 503 (default ${SERVER_DEFAULTS.maxSessions})
  --idle-timeout S     close an audio session that sends nothing for S seconds (default ${SERVER_DEFAULTS.idleTimeoutMs / 1000})
  --mic                also transcribe this machine's microphone and publish it to subscribers
  --context FILE       sessions decode commands of this Rhino or hassil context file unless a
                       client's config sends its own; results carry "intent" (docs/intents.md)
  --redis URL          one of several servers: publish this one's transcript events on Redis, and
                       carry every server's on /subscribe, tagged with its instance (docs/scale-out.md)
${MODEL_HELP}`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: SERVER_DEFAULTS.host },
      port: { type: 'string' },
      token: { type: 'string' },
      'max-sessions': { type: 'string' },
      'idle-timeout': { type: 'string' },
      mic: { type: 'boolean' },
      context: { type: 'string' },
      redis: { type: 'string' },
      ...MODEL_OPTIONS,
    },
  });
  const decoding = await decodingSetup(values);
  const token = values.token ?? process.env.EARSHOT_TOKEN;
  const settings: Omit<ServerOptions, 'model'> = {
    host: values.host,
    port: values.port === undefined ? SERVER_DEFAULTS.port : portNumber(values.port),
    token: token || undefined,
    maxSessions: positiveInt(values['max-sessions'], SERVER_DEFAULTS.maxSessions, '--max-sessions'),
    idleTimeoutMs: 1000 * positiveInt(values['idle-timeout'], SERVER_DEFAULTS.idleTimeoutMs / 1000, '--idle-timeout'),
    context: contextOptions(decoding.context).context,
    modelDir: decoding.modelDir,
    log: (message) => process.stderr.write(`earshot serve: ${message}\n`),
  };
  try {
    if (values.mic) settings.microphone = new Microphone();
  } catch (error) {
    if (!(error instanceof MicrophoneError)) throw error;
    process.stderr.write(`earshot serve: ${error.message}\n`);
    return 1;
  }
  if (values.redis) {
    await checkRedis(values.redis);
    settings.relay = new RedisRelay(values.redis, `${os.hostname()}:${process.pid}`, settings.log!);
  }
  const model = await Model.load(decoding.modelDir, decoding.load);
  const server = await createServer({ model, ...settings });
  announce(server.url, settings);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await model.release();
  return 0;
}

function announce(url: string, settings: Omit<ServerOptions, 'model'>): void {
  const ws = url.replace(/^http/, 'ws');
  process.stderr.write(`earshot serve: web page at ${url}, vosk protocol at ${ws}, transcripts at ${ws}subscribe, file uploads at ${url}transcribe\n`);
  if (!settings.token && !isLoopback(settings.host!)) {
    process.stderr.write(`earshot serve: warning: listening on ${settings.host} without --token; anyone who can reach it can use it\n`);
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got '${value}'`);
  return n;
}
