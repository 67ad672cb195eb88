package org.easycv4j.data.shards;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Shards on a local or shared file system (NFS, Lustre): positioned reads, nothing is retried. */
final class LocalShardStore implements ShardStore {

    @Override
    public Opened open(ShardUrls.Location shard, long offset) throws IOException {
        try {
            FileChannel ch = FileChannel.open(shard.path(), StandardOpenOption.READ);
            ch.position(offset);
            return new Opened(Channels.newInputStream(ch), ch.size());
        } catch (NoSuchFileException e) {
            throw new ShardException("shard not found: " + shard, false, e);
        } catch (AccessDeniedException e) {
            throw new ShardException("shard " + shard + ": permission denied", false, e);
        }
    }

    @Override
    public void checkAll(List<ShardUrls.Location> shards) throws IOException {
        List<ShardUrls.Location> missing = new ArrayList<>();
        for (ShardUrls.Location s : shards) {
            if (!Files.isRegularFile(s.path())) {
                missing.add(s);
            } else if (!Files.isReadable(s.path())) {
                throw new ShardException("shard " + s + ": permission denied", false);
            }
        }
        if (!missing.isEmpty()) {
            throw ShardStore.missing(missing, shards.size());
        }
    }

    @Override
    public Optional<byte[]> readIfExists(ShardUrls.Location object) throws IOException {
        return Files.isRegularFile(object.path()) ? Optional.of(Files.readAllBytes(object.path())) : Optional.empty();
    }
}
