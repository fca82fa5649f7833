// Real redis-server, nginx and earshot processes for the scale-out tests, on free loopback ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import path from 'node:path';
import { CLI, hasTool } from './helpers.js';

export const LOOPBACK = '127.0.0.1';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A child process whose output is kept, with a wait for a line of it. */
export class Child {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly process: ChildProcess) {
    const keep = (chunk: Buffer): void => void (this.output += chunk.toString());
    process.stdout?.on('data', keep);
    process.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => process.on('close', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves with the first match of `pattern` in the output; rejects if the process ends first. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void this.exited.then(() => (ended = true));
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (ended || Date.now() > deadline) throw new Error(`${pattern} never came${ended ? ' (the process ended)' : ''}; output:\n${this.output.slice(-3000)}`);
      await sleep(50);
    }
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<unknown> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
    return this.exited;
  }
}

/** The scale-out tests need the real thing: .ci/install-system installs it. */
function requireTool(tool: string): void {
  if (!hasTool(tool)) throw new Error(`${tool} is not installed; .ci/install-system installs it (Debian package ${tool === 'nginx' ? 'nginx' : 'redis-server'})`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the built CLI; stdout and stderr are kept apart for the batch commands' checks. */
export function earshot(args: string[]): Child & { stdout: () => string } {
  const child = new Child(spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  child.process.stdout!.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  return Object.assign(child, { stdout: () => stdout });
}

/** Runs the CLI to its end. */
export async function earshotRun(args: string[]): Promise<{ code: number | null; stdout: string; output: string }> {
  const child = earshot(args);
  const { code } = await child.exited;
  return { code, stdout: child.stdout(), output: child.output };
}

/** A redis-server of its own, with an append-only file in `dir`, so a restart keeps the queue. */
export class RedisProcess {
  private child?: Child;

  private constructor(readonly port: number, private readonly dir: string) {}

  static async start(dir: string): Promise<RedisProcess> {
    requireTool('redis-server');
    const redis = new RedisProcess(await freePort(), dir);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://${LOOPBACK}:${this.port}`;
  }

  /** Starts it (again), on the same port with the same data. */
  async restart(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const args = ['--port', String(this.port), '--bind', LOOPBACK, '--dir', this.dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no'];
    this.child = new Child(spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    await this.child.waitFor(/Ready to accept connections/, 20_000);
  }

  /** SIGTERM: Redis writes its append-only file and exits. */
  stop(): Promise<unknown> {
    return this.child?.kill('SIGTERM') ?? Promise.resolve();
  }
}

/** nginx spreading WebSocket connections (and HTTP) over `upstreams`, as docs/scale-out.md configures it. */
export async function startNginx(dir: string, upstreams: number[]): Promise<{ port: number; child: Child }> {
  requireTool('nginx');
  const port = await freePort();
  await mkdir(dir, { recursive: true });
  // The worker processes run as another user when nginx starts as root.
  await chmod(dir, 0o755);
  const conf = `worker_processes 1;
pid ${dir}/nginx.pid;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${nginxEarshotBlock(upstreams, port)}
}
`;
  await writeFile(path.join(dir, 'nginx.conf'), conf);
  const child = new Child(spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await waitForPort(port, child);
  return { port, child };
}

/** The upstream, map and server blocks of the documented config. */
function nginxEarshotBlock(upstreams: number[], port: number): string {
  return `  upstream earshot {
${upstreams.map((p) => `    server ${LOOPBACK}:${p};`).join('\n')}
  }
  map $http_upgrade $connection_upgrade {
    default upgrade;
    '' close;
  }
  server {
    listen ${LOOPBACK}:${port};
    location / {
      proxy_pass http://earshot;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $http_host;
      proxy_read_timeout 1h;
      client_max_body_size 64m;
    }
  }`;
}

async function waitForPort(port: number, child: Child): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, LOOPBACK, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (child.process.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`nginx did not start:\n${child.output}`);
}
