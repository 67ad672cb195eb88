package org.easycv4j.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The TorchScript-reached operators against DJL's explicit operators, values and gradients. */
class TorchOpsTest {

    private static float maxAbsDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    /** Forward and gradients of q, k, v for loss = sum(attention(q, k, v) * w). */
    private static NDArray[] attention(NDManager m, boolean fused, float[] qv, float[] kv, float[] vv, float[] wv,
            Shape shape) {
        try (NDManager step = m.newSubManager()) {
            NDArray q = step.create(qv, shape);
            NDArray k = step.create(kv, shape);
            NDArray v = step.create(vv, shape);
            NDArray w = step.create(wv, shape);
            q.setRequiresGradient(true);
            k.setRequiresGradient(true);
            v.setRequiresGradient(true);
            NDArray out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                if (fused) {
                    out = TorchOps.get().scaledDotProductAttention(q, k, v);
                } else {
                    NDArray scale = step.create((float) (1 / Math.sqrt(shape.get(3))));
                    NDArray attn = q.mul(scale).matMul(k.transpose(0, 1, 3, 2)).softmax(-1);
                    out = attn.matMul(v);
                }
                System.gc(); // Nothing the backward pass reads may be a collectable Java buffer.
                gc.backward(out.mul(w).sum());
            }
            NDArray[] r = {out.duplicate(), q.getGradient().duplicate(), k.getGradient().duplicate(),
                v.getGradient().duplicate()};
            for (NDArray a : r) {
                a.attach(m);
            }
            return r;
        }
    }

    @Test
    void fusedAttentionEqualsExplicitAttentionWithGradients() {
        Shape shape = new Shape(2, 3, 17, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            float[] q = m.randomNormal(shape).toFloatArray();
            float[] k = m.randomNormal(shape).toFloatArray();
            float[] v = m.randomNormal(shape).toFloatArray();
            float[] w = m.randomNormal(shape).toFloatArray();
            NDArray[] ref = attention(m, false, q, k, v, w, shape);
            NDArray[] fused = attention(m, true, q, k, v, w, shape);
            String[] names = {"output", "dq", "dk", "dv"};
            for (int i = 0; i < 4; i++) {
                assertEquals(shape, fused[i].getShape(), names[i]);
                float d = maxAbsDiff(ref[i], fused[i]);
                assertTrue(d < 1e-5, names[i] + ": max |fused - explicit| = " + d);
                assertTrue(ref[i].abs().max().getFloat() > 0.01f, names[i] + " is not trivially zero");
            }
        }
    }

    /** bfloat16 rounding of a float32 value: round to nearest even on the upper 16 bits. */
    private static float bf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xFFFF0000);
    }

    @Test
    void bfloat16CastsRoundAsBfloat16AndCarryGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] xs = {1.0f, 1.00390625f, 1.005859375f, -3.14159265f, 1e-3f, 65504f, 3.3e38f};
            NDArray x = m.create(xs);
            x.setRequiresGradient(true);
            NDArray back;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray h = TorchOps.get().toBfloat16(x);
                // DJL cannot name bfloat16; the array must not be passed where DJL asks for a dtype.
                assertEquals(DataType.UNKNOWN, h.getDataType());
                back = TorchOps.get().toFloat32(h.mul(h));
                assertEquals(DataType.FLOAT32, back.getDataType());
                gc.backward(back.sum());
            }
            float[] got = TorchOps.get().toFloat32(TorchOps.get().toBfloat16(x)).toFloatArray();
            float[] grad = x.getGradient().toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                assertEquals(bf16(xs[i]), got[i], 0f, "bf16(" + xs[i] + ")");
                float b = bf16(xs[i]);
                // d/dx bf16(x)^2 in bfloat16 = bf16(2 * bf16(x)) (the cast's gradient is the identity).
                assertEquals(bf16(2 * b), grad[i], 0f, "gradient at " + xs[i]);
            }
        }
    }

    /**
     * The pinned copy is compiled and reaches libtorch here too; a CPU-only libtorch has no page-locked allocator
     * and says so as an engine error (the loader calls it only for GPU devices).
     */
    @Test
    void pinnedCopyIsRefusedCleanlyByACpuOnlyLibtorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new byte[] {1, 2, 3}, new Shape(3));
            ai.djl.engine.EngineException e = org.junit.jupiter.api.Assertions.assertThrows(
                    ai.djl.engine.EngineException.class, () -> TorchOps.get().pinnedToDevice(x, x));
            assertTrue(e.getMessage().contains("torch.pin_memory(x)"), e.getMessage());
            assertTrue(e.getMessage().contains("Cannot access accelerator device when none is available"),
                    e.getMessage());
        }
    }
}
