package org.easycv4j.core.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The files native libraries were mapped from into this process (Linux: {@code /proc/self/maps}). Opening a
 * library by its file, not its name, reaches the copy the engine really uses: by name the dynamic linker may pick
 * another one (a distribution's libtorch beside DJL's).
 */
public final class LoadedLibraries {
    private LoadedLibraries() {}

    /**
     * The first mapped file whose name is {@code prefix} or starts with it followed by {@code '.'} (sonames:
     * {@code libmpi.so} finds {@code libmpi.so.40.30.4}) or, with the {@code .so} dropped, by {@code '-'} (CUDA
     * builds of libtorch ship e.g. {@code libcudart-<hash>.so.12}). Empty when none is, or off Linux.
     */
    public static Optional<Path> find(String prefix) {
        List<String> maps;
        try {
            maps = Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        String stem = prefix.endsWith(".so") ? prefix.substring(0, prefix.length() - 3) : prefix;
        for (String line : maps) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;
            }
            Path file = Path.of(line.substring(slash).trim());
            String name = file.getFileName().toString();
            if (name.equals(prefix) || name.startsWith(prefix + ".")
                    || (name.startsWith(stem + "-") && name.contains(".so"))) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }
}
