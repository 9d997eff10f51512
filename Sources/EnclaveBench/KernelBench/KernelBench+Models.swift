// Enclave bench: the tensors of the two reference models that `KernelBench` measures.

import EnclaveEngine

extension KernelBench {
    /// The model files (nil when missing: their tensors are then random blocks of the same types and shapes).
    struct Models {
        let smollm2: GGUFFile?
        let gemma: GGUFFile?

        func modelMatrices() -> [Matrix] {
            [
                Matrix.tensor(smollm2, "blk.0.attn_q.weight", .q4_1, rows: 576, k: 576),
                Matrix.tensor(smollm2, "blk.0.attn_k.weight", .q4_1, rows: 192, k: 576),
                Matrix.tensor(smollm2, "blk.0.ffn_gate.weight", .q4_1, rows: 1536, k: 576),
                Matrix.tensor(smollm2, "blk.0.ffn_down.weight", .q4_1, rows: 576, k: 1536),
                Matrix.tensor(smollm2, "token_embd.weight", .q8_0, rows: 49152, k: 576),
                Matrix.tensor(gemma, "blk.0.attn_q.weight", .q5_0, rows: 1024, k: 640),
                Matrix.tensor(gemma, "blk.0.attn_v.weight", .q8_0, rows: 256, k: 640),
                Matrix.tensor(gemma, "blk.0.ffn_gate.weight", .q5_0, rows: 2048, k: 640),
                Matrix.tensor(gemma, "blk.0.attn_output.weight", .q4_K, rows: 640, k: 1024),
                Matrix.tensor(gemma, "blk.2.ffn_down.weight", .q4_K, rows: 640, k: 2048),
                Matrix.tensor(gemma, "blk.0.ffn_down.weight", .q6_K, rows: 640, k: 2048),
                Matrix.tensor(gemma, "token_embd.weight", .q8_0, rows: 262_144, k: 640),
            ]
        }

        func swiftMatrices() -> [Matrix] {
            [
                Matrix.tensor(smollm2, "blk.0.attn_q.weight", .q4_1, rows: 576, k: 576),
                Matrix.tensor(smollm2, "blk.0.ffn_gate.weight", .q4_1, rows: 1536, k: 576),
                Matrix.tensor(smollm2, "blk.0.ffn_down.weight", .q4_1, rows: 576, k: 1536),
                Matrix.random(.q4_1, rows: 49152, k: 576, label: "output-sized Q4_1 (random)"),
            ]
        }

        func repackMatrices() -> [Matrix] {
            [
                Matrix.tensor(smollm2, "blk.0.attn_q.weight", .q4_1, rows: 576, k: 576),
                Matrix.tensor(smollm2, "blk.0.ffn_gate.weight", .q4_1, rows: 1536, k: 576),
                Matrix.tensor(smollm2, "blk.0.ffn_down.weight", .q4_1, rows: 576, k: 1536),
                Matrix.tensor(smollm2, "token_embd.weight", .q8_0, rows: 49152, k: 576),
                Matrix.tensor(gemma, "blk.0.attn_q.weight", .q5_0, rows: 1024, k: 640),
                Matrix.tensor(gemma, "blk.0.ffn_gate.weight", .q5_0, rows: 2048, k: 640),
                Matrix.tensor(gemma, "blk.0.attn_v.weight", .q8_0, rows: 256, k: 640),
                Matrix.tensor(gemma, "token_embd.weight", .q8_0, rows: 262_144, k: 640),
                Matrix.random(.q4_0, rows: 2048, k: 640, label: "Q4_0 (random)"),
            ]
        }

        func tileMatrices() -> [Matrix] {
            [
                Matrix.tensor(smollm2, "blk.0.ffn_gate.weight", .q4_1, rows: 1536, k: 576),
                Matrix.tensor(gemma, "blk.0.ffn_gate.weight", .q5_0, rows: 2048, k: 640),
                Matrix.random(.q8_0, rows: 2048, k: 640, label: "Q8_0 (random)"),
                Matrix.tensor(gemma, "blk.2.ffn_down.weight", .q4_K, rows: 640, k: 2048),
                Matrix.tensor(gemma, "blk.0.ffn_down.weight", .q6_K, rows: 640, k: 2048),
            ]
        }
    }
}
