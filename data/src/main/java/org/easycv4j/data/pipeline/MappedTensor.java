package org.easycv4j.data.pipeline;

import java.util.concurrent.ConcurrentHashMap;

/** A {@link TensorWriter} followed by a {@link ChannelMap}, run as one step with per-channel tables. */
final class MappedTensor implements TensorWriter {
    private final TensorWriter first;
    private final ChannelMap then;
    // Built once per channel count: a table per image would cost more than the conversion of a small image.
    private final ConcurrentHashMap<Integer, float[][]> tables = new ConcurrentHashMap<>();

    MappedTensor(TensorWriter first, ChannelMap then) {
        this.first = first;
        this.then = then;
    }

    @Override
    public float[][] tables(int channels, String origin) {
        return tables.computeIfAbsent(channels, c -> {
            float[][] base = first.tables(c, origin);
            float[][] t = new float[c][];
            for (int ch = 0; ch < c; ch++) {
                t[ch] = base[ch].clone();
            }
            then.mapTables(t, origin);
            return t;
        });
    }

    @Override
    public float[][] affine(int channels, String origin) {
        float[][] a = first.affine(channels, origin);
        float[] scale = a[0].clone();
        float[] shift = a[1].clone();
        then.mapAffine(scale, shift, origin);
        return new float[][] {scale, shift};
    }
}
