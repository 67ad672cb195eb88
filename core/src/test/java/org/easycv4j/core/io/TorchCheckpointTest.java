package org.easycv4j.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restricted torch.save reader against files written by PyTorch (src/test/resources/torch, made by
 * models/src/test/python/make_interop.py) and against crafted malicious pickles. */
class TorchCheckpointTest {
    @TempDir
    Path dir;

    static Path resource(String name) {
        try {
            return Path.of(TorchCheckpointTest.class.getResource("/torch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void dtypesAndStridedViewsMatchPyTorch() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> read = TorchCheckpoint.readStateDict(resource("views.pth"), m);
            Map<String, NDArray> expected = SafeTensors.read(resource("views_expected.safetensors"), m);
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(read.keySet()), "names in file order");
            for (Map.Entry<String, NDArray> e : expected.entrySet()) {
                NDArray got = read.get(e.getKey());
                assertEquals(e.getValue().getDataType(), got.getDataType(), e.getKey());
                assertEquals(e.getValue().getShape(), got.getShape(), e.getKey());
                assertTrue(e.getValue().contentEquals(got), e.getKey() + ": " + got + " vs " + e.getValue());
            }
            // Spot checks that do not rely on the expected file.
            assertArrayEquals(new float[] {0.5f, -1f, 65504f}, read.get("f16").get("0").toFloatArray());
            assertEquals(DataType.FLOAT32, read.get("bf16").getDataType());
            assertArrayEquals(new float[] {1f, -2.5f, 3.140625f}, read.get("bf16").get(":3").toFloatArray());
            assertEquals(new Shape(6, 4), read.get("transposed").getShape());
            assertArrayEquals(read.get("f32").transpose().toFloatArray(), read.get("transposed").toFloatArray());
            assertEquals(new Shape(), read.get("scalar").getShape());
        }
    }

    @Test
    void halfPrecisionConversionCoversSubnormalsInfinityAndNaN() {
        assertEquals(1.0f, TorchUnpickler.halfToFloat(0x3c00));
        assertEquals(-2.0f, TorchUnpickler.halfToFloat(0xc000));
        assertEquals(65504f, TorchUnpickler.halfToFloat(0x7bff));
        assertEquals(0x1p-24f, TorchUnpickler.halfToFloat(0x0001));
        assertEquals(0x1p-14f, TorchUnpickler.halfToFloat(0x0400));
        assertEquals(Float.NEGATIVE_INFINITY, TorchUnpickler.halfToFloat(0xfc00));
        assertTrue(Float.isNaN(TorchUnpickler.halfToFloat(0x7e00)));
        assertEquals(-0.0f, TorchUnpickler.halfToFloat(0x8000));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(TorchUnpickler.halfToFloat(0x8000)));
    }

    @Test
    void legacyFormatIsRefusedWithTheSupportedVersion() {
        IOException e = assertThrows(IOException.class,
                () -> TorchCheckpoint.read(resource("legacy.pth")));
        assertTrue(e.getMessage().contains("legacy.pth"), e.getMessage());
        assertTrue(e.getMessage().contains("legacy format of torch < 1.6"), e.getMessage());
        assertTrue(e.getMessage().contains("torch >= 1.6"), e.getMessage());
    }

    /** Any weights path (pretrained, --load-from, export) names the legacy format instead of blaming safetensors. */
    @Test
    void weightFilesNameTheLegacyFormatNotSafetensors() throws Exception {
        assertTrue(TorchCheckpoint.isLegacy(resource("legacy.pth")));
        assertFalse(TorchCheckpoint.isLegacy(resource("views.pth")), "the zip format");
        Path copy = Files.copy(resource("legacy.pth"), dir.resolve("weights.safetensors"));
        try (NDManager m = NDManager.newBaseManager()) {
            IOException e = assertThrows(IOException.class, () -> WeightFiles.read(copy, m));
            assertTrue(e.getMessage().startsWith(copy + ": a torch.save file in the legacy format of torch < 1.6"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("safetensors file"), e.getMessage());
            Path garbage = Files.writeString(dir.resolve("garbage.pth"), "not weights at all");
            e = assertThrows(IOException.class, () -> WeightFiles.read(garbage, m));
            assertFalse(e.getMessage().contains("legacy"), e.getMessage());
        }
    }

    /** GLOBAL 'posix system' applied to "touch MARKER": what a malicious torch.save file does. */
    @Test
    void maliciousGlobalIsRejectedAndNothingRuns() throws Exception {
        Path marker = dir.resolve("pwned");
        for (String[] global : new String[][] {{"posix", "system"}, {"os", "system"}, {"builtins", "eval"},
                {"torch.storage", "_load_from_bytes"}, {"torch._utils", "_rebuild_tensor"}}) {
            Path file = dir.resolve(global[1] + ".pth");
            writeArchive(file, callPickle(global[0], global[1], "touch " + marker), false);
            IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(file));
            String msg = e.getMessage();
            assertTrue(msg.contains(global[0] + "." + global[1]), msg);
            assertTrue(msg.contains(file.toString()), msg);
            assertFalse(Files.exists(marker), "the pickle's call ran");
        }
    }

    @Test
    void maliciousStackGlobalIsRejected() throws Exception {
        Path marker = dir.resolve("pwned");
        Path file = dir.resolve("stack.pth");
        // Protocol 4: the module and name come from the stack.
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 4});
        shortUnicode(p, "builtins");
        shortUnicode(p, "exec");
        p.write(0x93); // STACK_GLOBAL
        shortUnicode(p, "import os; os.system('touch " + marker + "')");
        p.write(new byte[] {(byte) 0x85, 'R', '.'});
        writeArchive(file, p.toByteArray(), false);
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(file));
        assertTrue(e.getMessage().contains("builtins.exec"), e.getMessage());
        assertFalse(Files.exists(marker));
    }

    @Test
    void instanceOpcodesAreRejected() throws Exception {
        Path file = dir.resolve("inst.pth");
        // INST 'os system' with a marked argument: builds an instance of an arbitrary class.
        byte[] pickle = "(S'touch x'\nios\nsystem\n.".getBytes(StandardCharsets.US_ASCII);
        writeArchive(file, pickle, false);
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(file));
        assertTrue(e.getMessage().contains("not allowed"), e.getMessage());
    }

    @Test
    void stateDictIsFoundUnderModelOrStateDictOrAtTheTop() throws Exception {
        Object tensor = TorchUnpickler.gather(new TorchUnpickler.Storage("0", TorchUnpickler.StorageType.FloatStorage,
                new byte[4], 1), 0, new long[] {1}, new long[] {1});
        Path f = Path.of("x.pth");
        assertEquals(List.of("w"), List.copyOf(TorchCheckpoint.stateDict(f, Map.of("w", tensor)).keySet()));
        assertEquals(List.of("w"), List.copyOf(TorchCheckpoint.stateDict(f,
                Map.of("model", Map.of("w", tensor), "epoch", 3)).keySet()));
        assertEquals(List.of("w"), List.copyOf(TorchCheckpoint.stateDict(f,
                Map.of("state_dict", Map.of("w", tensor))).keySet()));
        IOException e = assertThrows(IOException.class,
                () -> TorchCheckpoint.stateDict(f, Map.of("weights", Map.of("w", tensor))));
        assertTrue(e.getMessage().contains("x.pth") && e.getMessage().contains("weights"), e.getMessage());
    }

    @Test
    void viewsPastTheirStorageAreRejected() {
        var storage = new TorchUnpickler.Storage("3", TorchUnpickler.StorageType.FloatStorage, new byte[16], 4);
        var e = assertThrows(RuntimeException.class,
                () -> TorchUnpickler.gather(storage, 1, new long[] {2, 2}, new long[] {2, 1}));
        assertTrue(e.getMessage().contains("storage 3"), e.getMessage());
    }

    @Test
    void missingStorageEntryIsNamed() throws Exception {
        Path file = dir.resolve("nostorage.pth");
        // {'w': _rebuild_tensor_v2(persistent ('storage', FloatStorage, '0', 'cpu', 1), 0, (1,), (1,), False, None)}
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2, '}', '('});
        shortUnicode(p, "w");
        p.write("ctorch._utils\n_rebuild_tensor_v2\n(".getBytes(StandardCharsets.US_ASCII));
        p.write('(');
        shortUnicode(p, "storage");
        p.write("ctorch\nFloatStorage\n".getBytes(StandardCharsets.US_ASCII));
        shortUnicode(p, "0");
        shortUnicode(p, "cpu");
        p.write(new byte[] {'K', 1, 't', 'Q', 'K', 0, 'K', 1, (byte) 0x85, 'K', 1, (byte) 0x85, (byte) 0x89, 'N',
            't', 'R', 'u', '.'});
        writeArchive(file, p.toByteArray(), false);
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(file));
        assertTrue(e.getMessage().contains("data/0"), e.getMessage());
        writeArchive(file, p.toByteArray(), true);
        Map<String, HostTensor> sd = TorchCheckpoint.readHostStateDict(file);
        assertEquals(new Shape(1), sd.get("w").shape());
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f}, sd.get("w").data(), "1.0f little-endian");
    }

    private static byte[] callPickle(String module, String name, String arg) throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2});
        p.write(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        shortUnicode(p, arg);
        p.write(new byte[] {(byte) 0x85, 'R', '.'});
        return p.toByteArray();
    }

    private static void shortUnicode(ByteArrayOutputStream p, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write(0x8c);
        p.write(b.length);
        p.write(b);
    }

    private static void writeArchive(Path file, byte[] pickle, boolean withStorage) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(pickle);
            zip.closeEntry();
            if (withStorage) {
                zip.putNextEntry(new ZipEntry("archive/data/0"));
                zip.write(new byte[] {0, 0, (byte) 0x80, 0x3f});
                zip.closeEntry();
            }
        }
    }
}
