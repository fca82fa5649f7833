import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const run = promisify(execFile);

/** A random 2x16 model widened to 2x24: the largest output difference, whole and latency-controlled, and both sizes. */
const SCRIPT = `
import json, torch
from model import AcousticModel
from widen import widen
torch.manual_seed(3)
old = AcousticModel(hidden=16, layers=2).eval()
new = widen(old, 24).eval()
x, lengths = torch.randn(2, 90, 40), torch.tensor([90, 61])
with torch.no_grad():
    whole = (old(x, lengths)[0] - new(x, lengths)[0]).abs().max().item()
    chunked = (old(x, lengths, 4, 2)[0] - new(x, lengths, 4, 2)[0]).abs().max().item()
print(json.dumps({"whole": whole, "chunked": chunked, "hidden": new.config["hidden"],
                  "sizes": [sum(p.numel() for p in m.parameters()) for m in (old, new)]}))
`;

describe('training/widen.py', () => {
  it('adds hidden units without changing what the model computes', async () => {
    const { stdout } = await run('/usr/bin/python3', ['-c', SCRIPT], { cwd: path.join(ROOT, 'training'), env: { ...process.env, OMP_NUM_THREADS: '1' } });
    const result = JSON.parse(stdout) as { whole: number; chunked: number; hidden: number; sizes: [number, number] };
    expect(result.hidden).toBe(24);
    expect(result.sizes[1]).toBeGreaterThan(result.sizes[0]);
    expect(result.whole).toBeLessThan(1e-5);
    expect(result.chunked).toBeLessThan(1e-5);
  });
});
