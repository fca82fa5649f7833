"""Frequency warping of MFCC frames (vocal-tract-length warping): the log-mel spectrum (the inverse
DCT of the coefficients) is stretched along the mel axis and transformed back. Training uses it to
perturb speakers; the exported model uses it for its test-time warp ensemble."""
import functools
import math

import torch


@functools.lru_cache(maxsize=None)
def dct_matrix(n):
    """The orthonormal DCT-II the features use (src/features/mel.ts, dctMatrix), numCeps = numBins = n."""
    k = torch.arange(n, dtype=torch.float64)[:, None]
    bins = torch.arange(n, dtype=torch.float64)[None, :]
    scale = torch.where(k == 0, torch.tensor(1.0 / n), torch.tensor(2.0 / n)).sqrt()
    return scale * torch.cos(math.pi / n * (bins + 0.5) * k)


def warp_matrix(alpha, n):
    """[n, n] matrix W such that `frames @ W` warps MFCC frames by alpha: mel bin k of the result is
    bin k / alpha of the input (alpha > 1 moves formants up, as a shorter vocal tract does)."""
    dct = dct_matrix(n)
    source = (torch.arange(n, dtype=torch.float64) / alpha).clamp(max=n - 1)
    lower = source.floor().long()
    upper = (lower + 1).clamp(max=n - 1)
    frac = source - lower
    stretch = torch.zeros(n, n, dtype=torch.float64)
    stretch[torch.arange(n), lower] += 1 - frac
    stretch[torch.arange(n), upper] += frac
    return (dct @ stretch @ dct.T).T.float()
