package org.easycv4j.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NumPy arrays and scalars in plain pickles (src/test/resources/numpy, written by
 * data/src/test/python/make_cifar.py as Python 2 and Python 3 would), read as data only.
 */
class PicklesTest {
    @TempDir
    Path dir;

    static Path resource(String name) {
        try {
            return Path.of(PicklesTest.class.getResource("/numpy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ByteBuffer le(HostTensor t) {
        return ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void python2PickleOfArraysAndScalars() throws IOException {
        Map<?, ?> d = (Map<?, ?>) Pickles.read(resource("values.pkl"));
        HostTensor u8 = (HostTensor) d.get("u8");
        assertEquals(DataType.UINT8, u8.dtype());
        assertEquals(new Shape(2, 3), u8.shape());
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5}, u8.data());

        HostTensor f4 = (HostTensor) d.get("f4_big");
        assertEquals(DataType.FLOAT32, f4.dtype());
        float[] floats = new float[4];
        le(f4).asFloatBuffer().get(floats);
        assertArrayEquals(new float[] {1.5f, -2f, 0.25f, 8f}, floats, "big-endian values swapped");

        HostTensor fortran = (HostTensor) d.get("i8_fortran");
        long[] longs = new long[6];
        le(fortran).asLongBuffer().get(longs);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, longs, "column-major data in row-major order");

        double[] doubles = new double[2];
        le((HostTensor) d.get("f8")).asDoubleBuffer().get(doubles);
        assertArrayEquals(new double[] {0.1, 1e300}, doubles);
        short[] shorts = new short[2];
        le((HostTensor) d.get("i2")).asShortBuffer().get(shorts);
        assertArrayEquals(new short[] {-3, 300}, shorts);
        assertArrayEquals(new byte[] {1, 0, 1}, ((HostTensor) d.get("bool")).data());
        assertEquals(2.5f, d.get("scalar_f4"));
        assertEquals(-7L, d.get("scalar_i8"));
        assertEquals(List.of(1, 2, 3), d.get("labels"));
    }

    @Test
    void python3Protocol4Pickle() throws IOException {
        Map<?, ?> d = (Map<?, ?>) Pickles.read(resource("values_p4.pkl"));
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5}, ((HostTensor) d.get("u8")).data());
        float[] floats = new float[4];
        le((HostTensor) d.get("f4_big")).asFloatBuffer().get(floats);
        assertArrayEquals(new float[] {1.5f, -2f, 0.25f, 8f}, floats);
    }

    @Test
    void otherGlobalsAreRefusedWithTheFileName() {
        IOException e = assertThrows(IOException.class, () -> Pickles.read(resource("evil.pkl")));
        assertTrue(e.getMessage().contains("evil.pkl") && e.getMessage().contains("is not allowed"), e.getMessage());
    }

    @Test
    void truncatedAndForeignFilesNameTheFile() throws IOException {
        byte[] whole = Files.readAllBytes(resource("values.pkl"));
        Path cut = dir.resolve("cut.pkl");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        IOException e = assertThrows(IOException.class, () -> Pickles.read(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
        Path text = dir.resolve("text.pkl");
        Files.writeString(text, "hello");
        e = assertThrows(IOException.class, () -> Pickles.read(text));
        assertTrue(e.getMessage().contains("not a Python pickle"), e.getMessage());
    }

    /** Cut anywhere (or with a byte flipped), a pickle is an IOException naming the file, never another exception. */
    @Test
    void aPickleCutOrCorruptedAnywhereIsAnIoError() throws IOException {
        for (String name : new String[] {"values.pkl", "values_p4.pkl"}) {
            byte[] whole = Files.readAllBytes(resource(name));
            Path bad = dir.resolve("bad.pkl");
            for (int n = 2; n < whole.length; n++) {
                Files.write(bad, Arrays.copyOf(whole, n));
                assertDamaged(bad, name + " cut at " + n);
                byte[] flipped = whole.clone();
                flipped[n] = (byte) (flipped[n] ^ 0xFF);
                Files.write(bad, flipped);
                try {
                    Pickles.read(bad);
                } catch (IOException e) {
                    assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
                }
            }
        }
    }

    private static void assertDamaged(Path file, String what) {
        IOException e = assertThrows(IOException.class, () -> Pickles.read(file), what);
        assertTrue(e.getMessage().startsWith(file.toString()), what + ": " + e.getMessage());
    }
}
