import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers.js';
import { VoskClient } from './helpers.js';

/** Runs the built CLI; resolves with the URL it announces on stderr. */
function serve(args: string[]): { url: Promise<string>; exit: Promise<{ code: number | null; stderr: string }>; interrupt: () => void } {
  const child = spawn(process.execPath, [CLI, 'serve', ...args]);
  let stderr = '';
  let announced: (url: string) => void;
  const url = new Promise<string>((resolve) => (announced = resolve));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const match = /web page at (http:\/\/\S+?),/.exec(stderr);
    if (match) announced(match[1]);
  });
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  return { url, exit, interrupt: () => child.kill('SIGINT') };
}

describe('earshot serve', () => {
  it('announces its addresses, speaks the protocol, and exits 0 on Ctrl-C', async () => {
    const server = serve(['--port', '0']);
    const url = await Promise.race([server.url, server.exit.then(({ stderr }) => Promise.reject(new Error(stderr)))]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const client = await VoskClient.connect(url);
    expect(Object.keys((await client.send(Buffer.alloc(3200)))!)).toEqual(['partial']);
    server.interrupt();
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect((await server.exit).code).toBe(0);
  });

  it('exits 2 on a bad option', async () => {
    const { exit } = serve(['--port', 'many']);
    const { code, stderr } = await exit;
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port must be an integer/);
  });
});
