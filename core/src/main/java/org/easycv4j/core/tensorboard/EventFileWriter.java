package org.easycv4j.core.tensorboard;

import com.google.protobuf.ByteString;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.zip.CRC32C;
import javax.imageio.ImageIO;
import org.easycv4j.core.tensorboard.proto.DataType;
import org.easycv4j.core.tensorboard.proto.Event;
import org.easycv4j.core.tensorboard.proto.Summary;
import org.easycv4j.core.tensorboard.proto.SummaryMetadata;
import org.easycv4j.core.tensorboard.proto.TensorProto;
import org.easycv4j.core.tensorboard.proto.TensorShapeProto;

/**
 * A TensorBoard event file ({@code events.out.tfevents.<seconds>.<host>.<pid>}): TFRecord framing (length,
 * masked CRC32C of the length, an {@link Event} proto, masked CRC32C of the proto), its first record the file
 * version. Each writer makes a new file; TensorBoard reads every file of a folder as one run ordered by step, so
 * a resumed run writes a file of its own beside those of its earlier starts and its steps continue theirs.
 *
 * <p>Records are buffered until {@link #flush()}; what TensorBoard reads is therefore what was last flushed.
 */
public final class EventFileWriter implements Closeable {
    /** The first record's {@code file_version}: what TensorBoard expects. */
    public static final String FILE_VERSION = "brain.Event:2";
    /** Every event file's name starts with it (TensorBoard looks for it). */
    public static final String PREFIX = "events.out.tfevents.";
    /** The text plugin's name in a text summary's metadata. */
    public static final String TEXT_PLUGIN = "text";
    private static final int MASK_DELTA = 0xa282ead8;

    private final Path file;
    private final OutputStream out;

    private EventFileWriter(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /** Creates a new event file in {@code dir} (made when missing) and writes its version record. */
    public static EventFileWriter create(Path dir) throws IOException {
        Files.createDirectories(dir);
        long seconds = System.currentTimeMillis() / 1000;
        String base = String.format(Locale.ROOT, "%s%010d.%s.%d", PREFIX, seconds, host(), ProcessHandle.current()
                .pid());
        Path file = dir.resolve(base);
        // Two starts of one process within a second (tests, sweeps): the later one gets a suffix.
        for (int n = 1; Files.exists(file); n++) {
            file = dir.resolve(base + "." + n);
        }
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE));
        EventFileWriter w = new EventFileWriter(file, out);
        w.write(Event.newBuilder().setWallTime(now()).setFileVersion(FILE_VERSION).build());
        w.flush();
        return w;
    }

    public Path file() {
        return file;
    }

    public void scalar(String tag, long step, double value) throws IOException {
        summary(step, Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value).build());
    }

    /** An image summary of {@code image}, PNG-encoded. */
    public void image(String tag, long step, BufferedImage image) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", png)) {
            throw new IOException("no PNG writer for an image of type " + image.getType());
        }
        Summary.Image img = Summary.Image.newBuilder().setHeight(image.getHeight()).setWidth(image.getWidth())
                .setColorspace(image.getColorModel().hasAlpha() ? 4 : image.getColorModel().getNumComponents())
                .setEncodedImageString(ByteString.copyFrom(png.toByteArray())).build();
        summary(step, Summary.Value.newBuilder().setTag(tag).setImage(img).build());
    }

    /** A text summary (TensorBoard's text plugin renders it as Markdown). */
    public void text(String tag, long step, String text) throws IOException {
        TensorProto tensor = TensorProto.newBuilder().setDtype(DataType.DT_STRING)
                .setTensorShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(1)))
                .addStringVal(ByteString.copyFrom(text, StandardCharsets.UTF_8)).build();
        SummaryMetadata meta = SummaryMetadata.newBuilder()
                .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName(TEXT_PLUGIN)).build();
        summary(step, Summary.Value.newBuilder().setTag(tag).setMetadata(meta).setTensor(tensor).build());
    }

    private void summary(long step, Summary.Value value) throws IOException {
        write(Event.newBuilder().setWallTime(now()).setStep(step)
                .setSummary(Summary.newBuilder().addValue(value)).build());
    }

    /** One TFRecord: length, masked CRC of the length's 8 bytes, data, masked CRC of the data. */
    private void write(Event event) throws IOException {
        byte[] data = event.toByteArray();
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(data.length);
        header.putInt(maskedCrc(header.array(), 0, 8));
        ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        footer.putInt(maskedCrc(data, 0, data.length));
        out.write(header.array());
        out.write(data);
        out.write(footer.array());
    }

    /** TFRecord's checksum: CRC32C rotated right by 15 bits plus a constant (so a CRC of CRCs is not trivial). */
    static int maskedCrc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static String host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            // Without a lookup: a cluster node's resolver may take seconds to answer, or not at all.
            return env.replaceAll("[^A-Za-z0-9._-]", "_");
        }
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
