"""The acoustic model: frame stacking, a stack of bidirectional LSTM layers and a CTC output layer.

Every layer runs latency-controlled (Zhang et al. 2016, arXiv 1510.08983): the input is cut into
windows of `chunk` frames plus `lookahead` frames; the forward LSTM carries its state from chunk to
chunk, and the backward LSTM starts from zero at the end of each window. One window holding the
whole utterance (chunk = all frames, lookahead = 0) is an ordinary bidirectional LSTM, so training
mixes both modes and the same weights serve batch and live recognition.
"""
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from warp import dct_matrix, warp_matrix

VOCAB = ["<blank>", " ", "'"] + [chr(c) for c in range(ord("a"), ord("z") + 1)]


class AcousticModel(nn.Module):
    def __init__(self, feat_dim=40, stack=3, hidden=256, layers=3, dropout=0.15, vocab=len(VOCAB), frontend="stack",
                 units="chars"):
        super().__init__()
        self.config = dict(feat_dim=feat_dim, stack=stack, hidden=hidden, layers=layers, dropout=dropout, vocab=vocab)
        if frontend != "stack":
            self.config["frontend"] = frontend
        if units != "chars":
            self.config["units"] = units
        self.stack = stack
        self.register_buffer("mean", torch.zeros(feat_dim * stack))
        self.register_buffer("inv_std", torch.ones(feat_dim * stack))
        self.conv = ConvFrontEnd(feat_dim, stack) if frontend == "conv" else None
        sizes = [self.conv.width if self.conv else feat_dim * stack] + [2 * hidden] * (layers - 1)
        self.fwd = nn.ModuleList(nn.LSTM(n, hidden, batch_first=True) for n in sizes)
        self.bwd = nn.ModuleList(nn.LSTM(n, hidden, batch_first=True) for n in sizes)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(2 * hidden, vocab)

    def stack_frames(self, x, lengths):
        """[B, T, F] -> [B, ceil(T/stack), F*stack], padding by repeating the last frame."""
        batch, frames, dim = x.shape
        pad = (-frames) % self.stack
        if pad:
            x = torch.cat([x, x[:, -1:].expand(batch, pad, dim)], dim=1)
        x = (x.reshape(batch, -1, dim * self.stack) - self.mean) * self.inv_std
        if self.conv:
            x = self.conv(x.reshape(batch, -1, dim))
        return x, (lengths + self.stack - 1) // self.stack

    def forward(self, x, lengths, chunk=None, lookahead=0):
        """Log-probabilities [B, T', V] and output lengths, from features [B, T, F]."""
        x, lengths = self.stack_frames(x, lengths.to(x.device))
        steps = x.shape[1]
        if chunk is None or chunk >= steps:
            chunk, lookahead = steps, 0
        windows = cut_windows(x, chunk, lookahead)
        valid = window_lengths(lengths, steps, chunk, lookahead, windows.shape[1])
        for layer in range(len(self.fwd)):
            windows = self.drop(self.lc_layer(layer, windows, valid, chunk))
        chunks = windows[:, :, :chunk].reshape(x.shape[0], -1, windows.shape[-1])[:, :steps]
        return self.out(chunks).log_softmax(-1), lengths

    def lc_layer(self, layer, windows, valid, chunk):
        batch, count, width, dim = windows.shape
        fwd, bwd = self.fwd[layer], self.bwd[layer]
        chunk_out, states = [], []
        state = None
        for c in range(count):
            y, state = fwd(windows[:, c, :chunk], state)
            chunk_out.append(y)
            states.append(state)
        forward = torch.stack(chunk_out, 1)
        if width > chunk:
            h = torch.stack([s[0] for s in states], 2).reshape(1, batch * count, -1)
            cell = torch.stack([s[1] for s in states], 2).reshape(1, batch * count, -1)
            look, _ = fwd(windows[:, :, chunk:].reshape(batch * count, width - chunk, dim), (h, cell))
            forward = torch.cat([forward, look.reshape(batch, count, width - chunk, -1)], 2)
        flat = windows.reshape(batch * count, width, dim)
        lens = valid.reshape(-1).clamp(min=1)
        backward = reverse_padded(run_packed(bwd, reverse_padded(flat, lens), lens, width), lens)
        return torch.cat([forward, backward.reshape(batch, count, width, -1)], -1)


class ConvFrontEnd(nn.Module):
    """In place of frame stacking (a design experiment of issue 17; export.py does not take it yet):
    the normalised MFCC frames back to log-mel bins (inverse DCT), then two 3x3 convolutions over
    time and mel bins as in DeepSpeech 2 and ESPnet's VGG-BLSTM, each halving the bins; the second
    strides `stack` frames in time. [B, T, F] -> [B, T / stack, width]."""

    def __init__(self, feat_dim, stack, channels=32):
        super().__init__()
        self.register_buffer("idct", dct_matrix(feat_dim).float())
        self.conv1 = nn.Conv2d(1, channels, 3, stride=(1, 2), padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, stride=(stack, 2), padding=1)
        self.width = channels * ((feat_dim + 3) // 4)

    def forward(self, x):
        y = torch.relu(self.conv1((x @ self.idct)[:, None]))
        y = torch.relu(self.conv2(y))
        return y.permute(0, 2, 1, 3).flatten(2)


def cut_windows(x, chunk, lookahead):
    """[B, T, D] -> [B, C, chunk+lookahead, D], zero-padded past the end."""
    batch, steps, dim = x.shape
    count = (steps + chunk - 1) // chunk
    padded = torch.cat([x, x.new_zeros(batch, count * chunk + lookahead - steps, dim)], 1)
    starts = torch.arange(count, device=x.device) * chunk
    index = starts[:, None] + torch.arange(chunk + lookahead, device=x.device)[None, :]
    return padded[:, index]


def window_lengths(lengths, steps, chunk, lookahead, count):
    starts = torch.arange(count, device=lengths.device) * chunk
    return (lengths[:, None] - starts[None, :]).clamp(min=0, max=chunk + lookahead)


def reverse_padded(x, lengths):
    """Reverses each sequence of [N, W, D] within its own length; padding stays at the end."""
    width = x.shape[1]
    idx = torch.arange(width, device=x.device)[None, :].expand(x.shape[0], width)
    rev = (lengths[:, None] - 1 - idx)
    rev = torch.where(rev >= 0, rev, idx)
    return x.gather(1, rev[:, :, None].expand_as(x))


def run_packed(lstm, x, lengths, width):
    packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
    y, _ = lstm(packed)
    y, _ = pad_packed_sequence(y, batch_first=True, total_length=width)
    return y


class StreamingStep(nn.Module):
    """The exported graph: one latency-controlled window, carrying the forward states between calls.

    Inputs: chunk [1, Nc*stack, F], lookahead [1, Nr*stack, F] (Nr >= 1), h0 and c0 [layers, V, H].
    Outputs: log-probabilities for all Nc + Nr frames (those of the look-ahead are provisional), and
    the forward states after the chunk. A whole file is one call with Nr = 1.

    The window is heard in V frequency-warped views, the first V of `warps` (warp.warp_matrix), run as
    one batch, and the output is the mean of their probabilities: a test-time ensemble over
    vocal-tract lengths. The states' V picks how many: inference runs live windows with the first,
    unwarped view alone and the final pass over an utterance with all of them.
    """

    def __init__(self, model, warps=(1.0,)):
        super().__init__()
        if warps[0] != 1.0:
            raise ValueError(f"the first warp is the unwarped view, 1, not {warps[0]}")
        self.model = model
        self.register_buffer("views", torch.stack([warp_matrix(a, model.config["feat_dim"]) for a in warps]))

    def forward(self, chunk, lookahead, h0, c0):
        m = self.model
        views = self.views[: h0.shape[1]]
        chunk, lookahead = chunk @ views, lookahead @ views
        lengths = torch.tensor([chunk.shape[1]])
        x, _ = m.stack_frames(chunk, lengths)
        look, _ = m.stack_frames(lookahead, lengths)
        split = x.shape[1]
        hs, cs = [], []
        for layer in range(len(m.fwd)):
            yc, (h, c) = m.fwd[layer](x, (h0[layer : layer + 1], c0[layer : layer + 1]))
            yl, _ = m.fwd[layer](look, (h, c))
            window = torch.cat([x, look], 1)
            yb, _ = m.bwd[layer](torch.flip(window, [1]))
            y = torch.cat([torch.cat([yc, yl], 1), torch.flip(yb, [1])], -1)
            x, look = y[:, :split], y[:, split:]
            hs.append(h)
            cs.append(c)
        logprobs = m.out(torch.cat([x, look], 1)).log_softmax(-1)
        # Counted from the tensor, not len(self.views), so the exported graph divides by the views it ran.
        count = logprobs.new_ones(logprobs.shape[0]).sum()
        logprobs = logprobs.logsumexp(0, keepdim=True) - count.log()
        return logprobs, torch.cat(hs, 0), torch.cat(cs, 0)
