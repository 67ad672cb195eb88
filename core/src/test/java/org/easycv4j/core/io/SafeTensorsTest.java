package org.easycv4j.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsOrderValuesTypesAndMetadata() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("z.last", m.create(new float[] {1.5f, -2f, 3.25f, 0f, 1e-30f, -7f}, new Shape(2, 3)));
            t.put("a.first", m.create(new long[] {-1, 1L << 40}));
            t.put("mid", m.create(new int[] {7}, new Shape(1, 1)));
            t.put("d", m.create(new double[] {Math.PI}));
            t.put("u", m.create(new byte[] {0, (byte) 255}).toType(DataType.UINT8, false));
            t.put("b", m.create(new boolean[] {true, false, true}));
            t.put("h", m.create(new float[] {0.5f, -1f}).toType(DataType.FLOAT16, false));
            t.put("scalar", m.create(4f));
            Path f = dir.resolve("sub/x.safetensors");
            SafeTensors.write(f, t, Map.of("format", "pt"));
            SafeTensors.Contents c = SafeTensors.readContents(f, m);
            assertEquals(List.copyOf(t.keySet()), List.copyOf(c.tensors().keySet()));
            assertEquals(Map.of("format", "pt"), c.metadata());
            for (Map.Entry<String, NDArray> e : t.entrySet()) {
                NDArray back = c.tensors().get(e.getKey());
                assertEquals(e.getValue().getDataType(), back.getDataType(), e.getKey());
                assertEquals(e.getValue().getShape(), back.getShape(), e.getKey());
                assertTrue(e.getValue().contentEquals(back), e.getKey());
            }
            // 8-byte header length, header padded to 8 bytes, data right after it.
            byte[] bytes = Files.readAllBytes(f);
            long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, headerLen % 8);
            assertEquals(8 + headerLen + 6 * 4 + 2 * 8 + 4 + 8 + 2 + 3 + 2 * 2 + 4, bytes.length);
            try (var files = Files.list(f.getParent())) {
                assertEquals(1, files.count(), "no temporary file left behind");
            }
        }
    }

    @Test
    void readsEveryDtypeOfAFileWrittenByPython() throws Exception {
        Path f = Path.of(getClass().getResource("/safetensors/dtypes.safetensors").toURI());
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = SafeTensors.read(f, m);
            assertEquals(List.of("f32", "f16", "bf16", "i64", "i32", "u8", "bool", "scalar"), List.copyOf(t.keySet()));
            assertArrayEquals(new float[] {1.5f, -2.25f, 3f, 0f, 1e-8f, -7f}, t.get("f32").toFloatArray());
            assertEquals(new Shape(2, 3), t.get("f32").getShape());
            assertEquals(DataType.FLOAT16, t.get("f16").getDataType());
            assertArrayEquals(new float[] {0.5f, -1f, 65504f}, t.get("f16").toType(DataType.FLOAT32, false)
                    .toFloatArray());
            assertEquals(DataType.FLOAT32, t.get("bf16").getDataType());
            assertArrayEquals(new float[] {1f, -2.5f, 3.140625f}, t.get("bf16").toFloatArray());
            assertArrayEquals(new long[] {-1, 1L << 40, 7}, t.get("i64").toLongArray());
            assertArrayEquals(new int[] {1, -2, 3, 1 << 30}, t.get("i32").toIntArray());
            assertArrayEquals(new byte[] {0, (byte) 255, 17}, t.get("u8").toByteArray());
            assertArrayEquals(new boolean[] {true, false, true}, t.get("bool").toBooleanArray());
            assertEquals(new Shape(), t.get("scalar").getShape());
            assertEquals(4f, t.get("scalar").getFloat());
        }
    }

    @Test
    void malformedFilesAreRejectedWithTheFileAndTensorNamed() throws Exception {
        Path f = dir.resolve("bad.safetensors");
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Files.write(f, b.array());
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f, m));
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("\"w\""), e.getMessage());
            Files.write(f, new byte[] {1, 2, 3});
            IOException e2 = assertThrows(IOException.class, () -> SafeTensors.read(f, m));
            assertTrue(e2.getMessage().contains("8-byte"), e2.getMessage());
            String x = "{\"w\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
            ByteBuffer b2 = ByteBuffer.allocate(8 + x.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
            b2.putLong(x.length()).put(x.getBytes(StandardCharsets.UTF_8));
            Files.write(f, b2.array());
            IOException e3 = assertThrows(IOException.class, () -> SafeTensors.read(f, m));
            assertTrue(e3.getMessage().contains("unsupported dtype C64"), e3.getMessage());
        }
    }
}
