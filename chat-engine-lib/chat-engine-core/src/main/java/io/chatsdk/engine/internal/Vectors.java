package io.chatsdk.engine.internal;

/**
 * How embeddings are stored: each dimension of a unit vector quantised to one signed byte (value × 127), a quarter of
 * the floats' size, which changes cosines by well under 0.01.
 */
public final class Vectors {
    private Vectors() {
    }

    /** One byte per dimension of a unit-length vector. */
    public static byte[] quantise(float[] unit) {
        byte[] out = new byte[unit.length];
        for (int i = 0; i < unit.length; i++) {
            out[i] = (byte) Math.max(-127, Math.min(127, Math.round(unit[i] * 127f)));
        }
        return out;
    }

    /** The cosine of two vectors (floats against quantised bytes); 0 if either is all zeros or their lengths differ. */
    public static double cosine(float[] a, byte[] b) {
        if (a.length != b.length) {
            return 0;
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** The vector a quantised one stands for (each byte / 127): what an external vector engine is sent. */
    public static float[] dequantise(byte[] q) {
        float[] v = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            v[i] = q[i] / 127f;
        }
        return v;
    }
}
