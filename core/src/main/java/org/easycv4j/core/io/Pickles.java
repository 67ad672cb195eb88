package org.easycv4j.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import net.razorvine.pickle.PickleException;

/**
 * Reads a plain Python pickle (no {@code torch.save} zip around it), e.g. the batches of the CIFAR python
 * version, with the same allow-list as PyTorch files ({@link TorchUnpickler}): dicts, lists, tuples, strings,
 * numbers, and NumPy arrays and scalars as data. Python 2 byte strings arrive as Java strings of
 * latin-1 characters.
 */
public final class Pickles {
    private Pickles() {}

    /** The unpickled object; any problem is an {@link IOException} naming {@code file}. */
    public static Object read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        TorchUnpickler unpickler = new TorchUnpickler(key -> {
            throw new IOException("refers to a tensor storage \"" + key + "\", which only torch.save files have");
        });
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 2 || (bytes[0] & 0xFF) != 0x80) {
            throw new IOException(file + ": not a Python pickle of protocol 2 or later"
                    + (bytes.length == 0 ? " (empty file)" : ""));
        }
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            return unpickler.load(in);
        } catch (PickleException | ClassCastException | IllegalArgumentException | IllegalStateException
                | IndexOutOfBoundsException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(file + ": " + (e.getMessage() == null ? "truncated pickle" : e.getMessage()), e);
        } catch (RuntimeException e) {
            // A cut or corrupted pickle makes the unpickler read a length or an opcode from the wrong bytes
            // (NegativeArraySizeException, ...): the file is damaged, whatever the exception.
            throw new IOException(file + ": damaged or truncated pickle (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }
}
