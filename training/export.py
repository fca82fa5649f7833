"""Stage 3, export: writes models/<name>/ from a training checkpoint.

- model.onnx: the latency-controlled step (see model.StreamingStep), which onnxruntime-node runs;
- model.pt: the weights, so a later session can resume training from the committed model;
- lexicon.txt.gz (phone models): every word's pronunciations in the model's tokens, which decoding
  turns words into and back (training/lexicon.py);
- model.json: the contract inference reads: vocabulary, feature settings, frame rates, streaming
  chunk sizes, provenance and dev scores (run tune_decoder.mjs --write afterwards to add the tuned
  beam search settings);
- test/fixtures/model-reference.json: PyTorch's output on a fixed input, which the test suite
  compares with onnxruntime-node's.

  /usr/bin/python3 training/export.py --checkpoint cache/train/best.pt --features cache/features/real/config.json
"""
import argparse
import json
import os
from pathlib import Path

import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from common import ROOT
from lexicon import write_lexicon
from model import AcousticModel, StreamingStep
from units import PHONE_CODES, Units


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--features", required=True, help="config.json written by `earshot features`")
    p.add_argument("--name", default="en-bilstm")
    p.add_argument("--out-dir", default=str(ROOT / "models"))
    p.add_argument("--chunk", type=int, default=8, help="streaming chunk, model frames")
    p.add_argument("--lookahead", type=int, default=4, help="streaming look-ahead, model frames")
    p.add_argument("--warps", default="1,0.95,1.05",
                   help="frequency warps of the final pass's test-time ensemble (model.StreamingStep), "
                        "the unwarped view first; 1 for none")
    p.add_argument("--provenance", default="{}", help="JSON merged into the metadata's provenance")
    p.add_argument("--fixture", default=str(ROOT / "test" / "fixtures" / "model-reference.json"))
    p.add_argument("--lm", default=str(ROOT / "models" / "en-bilstm" / "lm.arpa.gz"),
                   help="ARPA LM whose unigrams order a phone model's lexicon")
    p.add_argument("--text", action="append", default=[],
                   help="text whose words the lexicon may pronounce by espeak-ng (lexicon.py; repeatable)")
    return p.parse_args()


def export_onnx(step, cfg, path):
    state = torch.zeros(cfg["layers"], len(step.views), cfg["hidden"])
    args = (torch.zeros(1, 6 * cfg["stack"], cfg["feat_dim"]), torch.zeros(1, cfg["stack"], cfg["feat_dim"]), state, state)
    tmp = str(path) + ".tmp"
    torch.onnx.export(
        step, args, tmp, opset_version=14,
        input_names=["chunk", "lookahead", "h0", "c0"], output_names=["logprobs", "hn", "cn"],
        dynamic_axes={"chunk": {1: "chunk_frames"}, "lookahead": {1: "lookahead_frames"}, "logprobs": {1: "out_frames"},
                      **{name: {1: "views"} for name in ("h0", "c0", "hn", "cn")}},
    )
    store_weights_half(tmp)
    os.replace(tmp, path)


def round_to_half(step):
    """Rounds the weights, biases and warp matrices to float16 values, as the ONNX file stores them
    (the exported LSTM biases are 2-D), so model.pt and the test fixture compute what onnxruntime runs."""
    with torch.no_grad():
        for tensor in [*step.parameters(), step.views]:
            tensor.copy_(tensor.half().float())


def store_weights_half(path):
    """Stores the large float initializers as float16, each behind a Cast back to float32 (which
    onnxruntime folds at load): half the file and download for weights already rounded to float16."""
    graph = onnx.load(path)
    casts = []
    for init in graph.graph.initializer:
        if init.data_type != TensorProto.FLOAT or len(init.dims) < 2:
            continue
        name = init.name
        init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype("float16"), name + "_half"))
        casts.append(helper.make_node("Cast", [name + "_half"], [name], to=TensorProto.FLOAT))
    nodes = casts + list(graph.graph.node)
    del graph.graph.node[:]
    graph.graph.node.extend(nodes)
    onnx.save(graph, path)


def reference_fixture(step, cfg, path):
    """A fixed pseudo-random input and PyTorch's outputs: one whole-utterance call with all the views,
    as a final pass, and one chunked call with the first view alone, as a live window."""
    g = torch.Generator().manual_seed(7)
    stack, dim = cfg["stack"], cfg["feat_dim"]
    feats = torch.randn(1, 20 * stack, dim, generator=g)
    all_views = torch.zeros(cfg["layers"], len(step.views), cfg["hidden"])
    one_view = torch.zeros(cfg["layers"], 1, cfg["hidden"])
    with torch.no_grad():
        whole, _, _ = step(feats[:, : 19 * stack], feats[:, 19 * stack :], all_views, all_views)
        chunked, hn, cn = step(feats[:, : 8 * stack], feats[:, 8 * stack : 12 * stack], one_view, one_view)
    fixture = {
        "features": feats[0].tolist(),
        "whole": {"chunkFrames": 19 * stack, "logprobs": whole[0].tolist()},
        "chunked": {"chunkFrames": 8 * stack, "lookaheadFrames": 4 * stack, "logprobs": chunked[0].tolist(),
                    "hn": hn[:, 0].tolist(), "cn": cn[:, 0].tolist()},
    }
    Path(path).write_text(json.dumps(fixture))


LEXICON_FILE = "lexicon.txt.gz"


def main():
    args = parse_args()
    ckpt = torch.load(args.checkpoint, map_location="cpu")
    cfg = ckpt["config"]
    if cfg.get("frontend", "stack") != "stack":
        raise SystemExit(f"export.py exports frame-stacking models; this one has the {cfg['frontend']} front end")
    model = AcousticModel(**cfg)
    model.load_state_dict(ckpt["model"])
    model.eval()
    warps = [float(a) for a in args.warps.split(",")]
    step = StreamingStep(model, warps)
    round_to_half(step)
    out = Path(args.out_dir) / args.name
    out.mkdir(parents=True, exist_ok=True)
    export_onnx(step, cfg, out / "model.onnx")
    torch.save({"model": model.state_dict(), "config": cfg, "dev_wer": ckpt.get("dev_wer")}, out / "model.pt")
    features = json.loads(Path(args.features).read_text())
    frame_rate = features["sampleRate"] / features["hop"]
    params = sum(p.numel() for p in model.parameters())
    units = Units(cfg.get("units", "chars"))
    # A phone model's tokens are one-character codes; the table says which phone each stands for.
    phones = {"units": "phones", "phones": {code: phone for phone, code in PHONE_CODES.items()}} if units.kind == "phones" else {}
    meta = {
        "name": args.name,
        "architecture": f"{cfg['layers']}x{cfg['hidden']} latency-controlled BiLSTM, CTC over {'phones' if phones else 'characters'}, {params} parameters",
        "vocabulary": units.tokens,
        **phones,
        "blank": 0,
        "features": features,
        "frameStack": cfg["stack"],
        "frameRate": frame_rate / cfg["stack"],
        "layers": cfg["layers"],
        "hidden": cfg["hidden"],
        "warps": warps,
        "streaming": {"chunkFrames": args.chunk, "lookaheadFrames": args.lookahead},
        "provenance": {"checkpointEpoch": ckpt.get("epoch"), "trainingCpuHours": round(ckpt.get("cpu_hours", 0.0), 2),
                       **({"trainingGpuHours": round(ckpt["gpu_hours"], 2)} if ckpt.get("gpu_hours") else {}),
                       "trainingCommand": ckpt.get("command"),
                       "history": ckpt.get("history"), **json.loads(args.provenance)},
        "dev": {name: {"wer": w, "cer": c} for name, (w, c) in (ckpt.get("dev") or {}).items()},
    }
    (out / "model.json").write_text(json.dumps(meta, indent=1) + "\n")
    if phones:
        write_lexicon(out / LEXICON_FILE, args.lm, args.text)
    reference_fixture(step, cfg, args.fixture)
    print(f"exported {out} ({(out / 'model.onnx').stat().st_size / 1e6:.1f} MB ONNX)")


if __name__ == "__main__":
    main()
