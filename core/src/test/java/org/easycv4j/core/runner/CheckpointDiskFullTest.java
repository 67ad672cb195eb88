package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.easycv4j.core.checkpoint.CheckpointWriteException;
import org.easycv4j.core.checkpoint.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointDiskFullTest {

    @Test
    void aFullDiskNamesTheFileTheSpaceAndTheCheckpointThatRemains(@TempDir Path dir) throws Exception {
        TrainRuns.runner(dir, "total_epochs=1").train(false);
        long stateBytes = Files.size(dir.resolve("epoch_1").resolve(Checkpoints.STATE));
        System.setProperty(Checkpoints.TEST_DISK_FULL, "true");
        UncheckedIOException e;
        try {
            e = assertThrows(UncheckedIOException.class, () -> TrainRuns.runner(dir, "total_epochs=2",
                    "resume_from=\"" + dir.resolve("epoch_1") + "\"").train(false));
        } finally {
            System.clearProperty(Checkpoints.TEST_DISK_FULL);
        }
        String m = e.getCause().getMessage();
        assertTrue(m.startsWith("cannot write model.safetensors of checkpoint " + dir.resolve("epoch_2")
                + ": no space left on the device (the checkpoint needs "), m);
        assertTrue(m.endsWith("; the newest complete checkpoint, " + dir.resolve("epoch_1") + ", remains ("
                + CheckpointHook.LATEST + " names it; --auto-resume continues from it once there is space)"), m);
        assertFalse(m.contains("\n"), "one line");

        CheckpointWriteException w = (CheckpointWriteException) e.getCause().getCause();
        assertTrue(w.diskFull());
        // TestLinear(4 -> 1): 5 float32 parameters (20 bytes), AdamW's two moments of each (40), and the state
        // sidecar, about as large as the first run's.
        long tensors = 20 + 40;
        assertTrue(w.bytesNeeded() > tensors + stateBytes / 2 && w.bytesNeeded() < tensors + 2 * stateBytes + 64,
                w.bytesNeeded() + " bytes for " + tensors + " of tensors and a " + stateBytes + "-byte state");
        Matcher needs = Pattern.compile("needs (?:\\S+ \\S+ \\()?([0-9,]+) bytes\\)?, (.+) free in ([^;]+)\\);").matcher(m);
        assertTrue(needs.find(), m);
        assertEquals(w.bytesNeeded(), Long.parseLong(needs.group(1).replace(",", "")));
        assertTrue(needs.group(2).endsWith("bytes)") || needs.group(2).endsWith(" bytes"), needs.group(2));
        assertEquals(dir.toAbsolutePath().toString(), needs.group(3));

        assertEquals("epoch_1", Files.readString(dir.resolve(CheckpointHook.LATEST)).strip(), "still the newest");
        assertTrue(Files.isRegularFile(dir.resolve("epoch_1").resolve(Checkpoints.MODEL)), "epoch_1 is kept");
        try (Stream<Path> s = Files.list(dir)) {
            List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> n.contains("epoch_2")).toList();
            assertEquals(List.of(), left, "no half-written folder is left behind");
        }
    }

    @Test
    void withoutACompleteCheckpointItSaysSo(@TempDir Path dir) {
        assertEquals("no complete checkpoint of this run remains in " + dir, CheckpointHook.remaining(dir));
    }
}
