package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkDirLockTest {
    @Test
    void namesItsHolderAndRefusesASecondRunUntilReleased(@TempDir Path dir) throws Exception {
        Path workDir = dir.resolve("run");
        try (WorkDirLock held = WorkDirLock.take(workDir)) {
            String line = Files.readString(workDir.resolve(WorkDirLock.FILE)).strip();
            assertEquals(WorkDirLock.holder(), line);
            assertTrue(line.contains("pid " + ProcessHandle.current().pid()), line);
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> WorkDirLock.take(workDir));
            assertEquals("work dir " + workDir + " is in use by another run (" + line + "): wait for it to end, or "
                    + "train into a new --work-dir", refused.getMessage());
        }
        assertFalse(Files.exists(workDir.resolve(WorkDirLock.FILE)), "released locks leave no file");
        try (WorkDirLock again = WorkDirLock.take(workDir)) {
            assertTrue(Files.exists(workDir.resolve(WorkDirLock.FILE)));
        }
    }

    @Test
    void takesOverTheStaleLockOfADeadProcess(@TempDir Path dir) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String stale = "host " + java.net.InetAddress.getLocalHost().getHostName() + ", pid " + gone.pid()
                + ", started 2026-01-01T00:00:00Z";
        Files.writeString(dir.resolve(WorkDirLock.FILE), stale + "\n");
        try (WorkDirLock taken = WorkDirLock.take(dir)) {
            assertEquals(WorkDirLock.holder(), Files.readString(dir.resolve(WorkDirLock.FILE)).strip());
        }
    }

    @Test
    void refusesAFileAsWorkDir(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> WorkDirLock.take(file));
        assertEquals("work dir " + file + " is a file, not a folder: choose another --work-dir", refused.getMessage());
        assertEquals("x", Files.readString(file));
    }
}
