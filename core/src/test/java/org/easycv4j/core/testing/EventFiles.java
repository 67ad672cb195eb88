package org.easycv4j.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.easycv4j.core.tensorboard.proto.Event;

/** TensorBoard event files read back independently of their writer. */
public final class EventFiles {
    private EventFiles() {}

    /** The event files of a folder, by name. */
    public static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).sorted().toList();
        }
    }

    /**
     * TFRecord framing read by hand: uint64 length, masked CRC32C of those 8 bytes, the data, masked CRC32C of the
     * data, every CRC checked; the data parsed as an Event by protobuf.
     */
    public static List<Event> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> out = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] len = new byte[8];
            b.get(len);
            long length = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(masked(len), b.getInt(), file + ": the length's CRC at record " + out.size());
            byte[] data = new byte[Math.toIntExact(length)];
            b.get(data);
            assertEquals(masked(data), b.getInt(), file + ": the data's CRC at record " + out.size());
            out.add(Event.parseFrom(data));
        }
        return out;
    }

    /** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) bit by bit, masked as TFRecord does. */
    public static int masked(byte[] bytes) {
        int crc = 0xffffffff;
        for (byte x : bytes) {
            crc ^= x & 0xff;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
            }
        }
        crc = ~crc;
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

}
