package org.easycv4j.data.shards;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easycv4j.data.Fixtures;

/** Shards whose sample i is an 8 x 8 PNG with red value i at (0, 0) and label i % 4: a sample names itself. */
final class ShardFixtures {
    private ShardFixtures() {}

    static final int CLASSES = 4;

    static Path write(Path dir, int n, int perShard) throws IOException {
        try (ShardWriter w = ShardWriter.builder().setOutput(dir).optPrefix("s").optMaxCount(perShard)
                .optClasses(List.of("a", "b", "c", "d"), CLASSES).build()) {
            for (int i = 0; i < n; i++) {
                Map<String, byte[]> m = new LinkedHashMap<>();
                m.put("png", Fixtures.encode(Fixtures.gradient(8, 8, i), "png"));
                m.put("cls", Integer.toString(i % CLASSES).getBytes(StandardCharsets.US_ASCII));
                w.write(String.format("%06d", i), m);
            }
        }
        return dir;
    }

    /** The sample an image tensor (C, H, W floats in [0, 1], no normalisation) shows. */
    static int sampleOf(float[] chw, int offset) {
        return Math.round(chw[offset] * 255);
    }
}
