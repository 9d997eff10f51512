"""The reference for Enclave's embeddings: all-MiniLM-L6-v2 on ONNX Runtime, tokenised by HF `tokenizers`.

No torch here (PyPI's torch pulls gigabytes of CUDA libraries), so the BERT graph is written with `onnx.helper`
from the folder's safetensors weights: the HF BertModel forward (embeddings + LayerNorm, 6 post-LN layers of
self-attention with the padding mask and exact-erf GELU), then sentence-transformers' mean pooling over the
attention mask and L2 normalisation. ONNX Runtime fuses LayerNorm, GELU and the attention pattern itself.

Used by scripts/bench_embeddings.py; `python minilm_onnx.py MODEL_DIR` prints the engine-facts check.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    base = 8 + length
    types = {"F32": np.float32, "I64": np.int64}
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[base + begin : base + end], dtype=types[entry["dtype"]]).reshape(entry["shape"])
    return tensors


def build_graph(folder: Path) -> bytes:
    config = json.loads((folder / "config.json").read_text())
    w = read_safetensors(folder / "model.safetensors")
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    head_dim = hidden // heads
    eps = config["layer_norm_eps"]
    nodes, inits = [], []

    def const(name: str, array: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    counter = [0]

    def node(op: str, inputs: list[str], **attrs) -> str:
        counter[0] += 1
        out = f"{op.lower()}_{counter[0]}"
        nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    def layer_norm(x: str, prefix: str) -> str:
        return node("LayerNormalization", [x, const(prefix + ".weight", w[prefix + ".weight"]), const(prefix + ".bias", w[prefix + ".bias"])], axis=-1, epsilon=eps)

    def linear(x: str, prefix: str) -> str:
        weight = const(prefix + ".weight.T", w[prefix + ".weight"].T)
        return node("Add", [node("MatMul", [x, weight]), const(prefix + ".bias", w[prefix + ".bias"])])

    # Embeddings: word[ids] + position[0..L-1] + type[0].
    words = node("Gather", [const("word", w["embeddings.word_embeddings.weight"]), "input_ids"], axis=0)
    length = node("Shape", ["input_ids"], start=1, end=2)
    zero = const("zero64", np.array([0], dtype=np.int64))
    pos = node("Slice", [const("position", w["embeddings.position_embeddings.weight"]), zero, length, zero])
    x = node("Add", [node("Add", [words, pos]), const("type0", w["embeddings.token_type_embeddings.weight"][0])])
    x = layer_norm(x, "embeddings.LayerNorm")

    # Additive mask: 0 for real keys, -10000 for padding, shaped [B, 1, 1, L].
    mask = node("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    additive = node("Mul", [node("Sub", [const("onef", np.array(1, dtype=np.float32)), mask]), const("minus", np.array(-10000, dtype=np.float32))])
    additive = node("Unsqueeze", [additive, const("axes12", np.array([1, 2], dtype=np.int64))])
    split_shape = const("split_shape", np.array([0, 0, heads, head_dim], dtype=np.int64))
    merge_shape = const("merge_shape", np.array([0, 0, hidden], dtype=np.int64))
    scale = const("scale", np.array(1 / np.sqrt(head_dim), dtype=np.float32))

    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."

        def heads_of(t: str) -> str:
            return node("Transpose", [node("Reshape", [t, split_shape])], perm=[0, 2, 1, 3])

        q = heads_of(linear(x, p + "attention.self.query"))
        k = heads_of(linear(x, p + "attention.self.key"))
        v = heads_of(linear(x, p + "attention.self.value"))
        scores = node("Add", [node("Mul", [node("MatMul", [q, node("Transpose", [k], perm=[0, 1, 3, 2])]), scale]), additive])
        context = node("MatMul", [node("Softmax", [scores], axis=-1), v])
        context = node("Reshape", [node("Transpose", [context], perm=[0, 2, 1, 3]), merge_shape])
        x = layer_norm(node("Add", [x, linear(context, p + "attention.output.dense")]), p + "attention.output.LayerNorm")
        h = linear(x, p + "intermediate.dense")
        gelu = node("Mul", [node("Mul", [h, const(f"half{layer}", np.array(0.5, dtype=np.float32))]),
                            node("Add", [node("Erf", [node("Div", [h, const(f"sqrt2_{layer}", np.array(np.sqrt(2), dtype=np.float32))])]),
                                         const(f"one{layer}", np.array(1, dtype=np.float32))])])
        x = layer_norm(node("Add", [x, linear(gelu, p + "output.dense")]), p + "output.LayerNorm")

    # Mean pooling over real tokens, then L2 normalisation.
    m = node("Unsqueeze", [mask, const("axis2", np.array([2], dtype=np.int64))])
    summed = node("ReduceSum", [node("Mul", [x, m]), const("axis1", np.array([1], dtype=np.int64))], keepdims=0)
    count = node("Max", [node("ReduceSum", [m, const("axis1b", np.array([1], dtype=np.int64))], keepdims=0), const("tiny", np.array(1e-9, dtype=np.float32))])
    mean = node("Div", [summed, count])
    norm = node("Max", [node("ReduceL2", [mean], axes=[-1], keepdims=1), const("tiny2", np.array(1e-12, dtype=np.float32))])
    nodes.append(helper.make_node("Div", [mean, norm], ["embedding"]))

    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "length"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "length"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", hidden])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


class Reference:
    """Tokenizer + ONNX Runtime session, batch padded to its longest sentence (truncation at 256)."""

    def __init__(self, folder: Path, threads: int) -> None:
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(256)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(build_graph(folder), options, providers=["CPUExecutionProvider"])

    def embed(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        return self.session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})[0]


if __name__ == "__main__":
    reference = Reference(Path(sys.argv[1]), threads=2)
    food, bread = reference.embed(["A man is eating food.", "A man is eating a piece of bread."])
    print("food[0..4]", np.round(food[:5], 6), "bread[0..4]", np.round(bread[:5], 6), "cosine", float(food @ bread))
