package org.easycv4j.core.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds a TorchScript archive (the zip that {@code torch::jit::load} reads) for a parameterless module from its
 * TorchScript source. The source is compiled by the libtorch that loads it, so it may call any operator of that
 * libtorch version; nothing binary is shipped.
 */
final class TorchScriptArchive {
    private TorchScriptArchive() {}

    /**
     * @param folder the archive's top-level folder name
     * @param className the class defined in {@code source}, instantiated as the archive's root module
     * @param source TorchScript for {@code code/__torch__.py}
     */
    static byte[] build(String folder, String className, String source) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, folder + "/data.pkl", rootModulePickle(className));
            put(zip, folder + "/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            // An empty tuple of constants, pickle protocol 2.
            put(zip, folder + "/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            put(zip, folder + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** {@code __torch__.<className>} with the state {@code {"training": True}}, pickle protocol 2. */
    private static byte[] rootModulePickle(String className) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x80, 2, 'c'});
        out.writeBytes(("__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        // BINPUT 0, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK
        out.writeBytes(new byte[] {'q', 0, ')', (byte) 0x81, '}', '('});
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        out.write('X');
        out.writeBytes(new byte[] {(byte) key.length, 0, 0, 0});
        out.writeBytes(key);
        // BINPUT 1, NEWTRUE, SETITEMS, BUILD, BINPUT 2, STOP
        out.writeBytes(new byte[] {'q', 1, (byte) 0x88, 'u', 'b', 'q', 2, '.'});
        return out.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }
}
