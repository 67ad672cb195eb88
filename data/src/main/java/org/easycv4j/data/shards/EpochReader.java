package org.easycv4j.data.shards;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.easycv4j.data.sample.Sample;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.source.BadSampleException;
import org.easycv4j.data.source.SampleAccess;

/**
 * One epoch of a {@link ShardSource} for one rank: a thread per stream reads its windows front to back (a
 * window is the shuffle buffer: {@code shuffle_buffer} samples' bytes), at most a few windows ahead of the
 * samples the loader has finished with, so memory is bounded by the windows in flight, never by the data set.
 * The loader's workers take samples from the windows in any order; a window is dropped once each of its samples
 * this rank visits was produced.
 */
final class EpochReader implements SampleAccess {
    private final ShardSource source;
    private final ShardPlan.Epoch layout;
    private final Map<Integer, Stream> streams = new TreeMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    EpochReader(ShardSource source, ShardPlan.Epoch layout, int[] indices, int from, int to, int inFlight) {
        this.source = source;
        this.layout = layout;
        for (int i = from; i < to; i++) {
            ShardPlan.WindowRef r = layout.locate(indices[i]);
            streams.computeIfAbsent(r.stream(), Stream::new).need(r.window());
        }
        // Workers may ask for any sample of the batches in flight: every window those touch must fit at once.
        int perStream = (inFlight + Math.max(1, streams.size()) - 1) / Math.max(1, streams.size());
        int window = source.plan().window();
        int resident = (perStream + window - 1) / window + 2;
        for (Stream s : streams.values()) {
            s.limit = resident;
            Thread t = new Thread(s::run, "shard-stream-" + s.id);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private Window window(int index) {
        return window(index, layout.locate(index));
    }

    /** The window of sample {@code index}, located once by the caller. */
    private Window window(int index, ShardPlan.WindowRef r) {
        if (r == null) {
            throw new IllegalStateException("sample " + index + " is not in epoch " + layout.epoch());
        }
        Stream s = streams.get(r.stream());
        Window w = s == null ? null : s.windows.get(r.window());
        if (w == null) {
            throw new IllegalStateException("sample " + index + " was not planned for this rank");
        }
        return w;
    }

    @Override
    public Sample load(int index, ImageBackend backend, boolean encoded) throws BadSampleException {
        ShardPlan.WindowRef r = layout.locate(index);
        ShardSource.Slot[] slots = window(index, r).await();
        return source.decode(index, slots[r.slot()], backend, encoded);
    }

    @Override
    public int fallback(int index) {
        ShardPlan.WindowRef r = layout.locate(index);
        int n = layout.windowLength(r.stream(), r.window());
        return layout.sampleAt(r.stream(), r.window(), (r.slot() + 1) % n);
    }

    @Override
    public int candidates(int index) {
        ShardPlan.WindowRef r = layout.locate(index);
        return layout.windowLength(r.stream(), r.window());
    }

    @Override
    public void done(int index) {
        window(index).finishOne();
    }

    @Override
    public void close() {
        closed = true;
        for (Stream s : streams.values()) {
            for (Window w : s.windows.values()) {
                if (w.loaded.getCount() > 0) {
                    w.fail(new InterruptedIOException("the epoch was closed"));
                }
            }
            synchronized (s) {
                s.notifyAll();
            }
        }
        threads.forEach(Thread::interrupt);
    }

    /** One window's samples, filled by its stream's thread. */
    private final class Window {
        final Stream stream;
        final int id;
        final AtomicInteger remaining = new AtomicInteger();
        final CountDownLatch loaded = new CountDownLatch(1);
        volatile ShardSource.Slot[] slots;
        volatile IOException failure;

        Window(Stream stream, int id) {
            this.stream = stream;
            this.id = id;
        }

        ShardSource.Slot[] await() {
            try {
                loaded.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for shard data", e);
            }
            if (failure != null) {
                throw new UncheckedIOException(failure);
            }
            ShardSource.Slot[] s = slots;
            if (s == null) {
                throw new IllegalStateException("window " + id + " of stream " + stream.id + " was already dropped");
            }
            return s;
        }

        void finishOne() {
            if (remaining.decrementAndGet() == 0) {
                slots = null;
                synchronized (stream) {
                    stream.resident--;
                    stream.notifyAll();
                }
            }
        }

        void fail(IOException e) {
            failure = e;
            loaded.countDown();
        }
    }

    /** A stream: its windows in order, and the reader's place in its shards. */
    private final class Stream {
        final int id;
        final TreeMap<Integer, Window> windows = new TreeMap<>();
        int limit;
        int resident;
        // the reader's cursor: place j of the epoch's shard order, the next member to read, the open shard
        private int place = -1;
        private int member;
        private TarSamples tar;
        // the open shard cannot be read past `member`: damaged (brokenBy says how) or shorter than its index says
        private boolean broken;
        private ShardException brokenBy;
        private final Set<Integer> reported = new HashSet<>();

        Stream(int id) {
            this.id = id;
        }

        void need(int w) {
            windows.computeIfAbsent(w, k -> new Window(this, k)).remaining.incrementAndGet();
        }

        void run() {
            try {
                for (Window w : windows.values()) {
                    synchronized (this) {
                        while (resident >= limit && !closed) {
                            wait();
                        }
                        if (closed) {
                            return;
                        }
                        resident++;
                    }
                    try {
                        w.slots = read(w.id);
                        w.loaded.countDown();
                    } catch (IOException e) {
                        // the run cannot go on without these samples: every waiting worker gets the error
                        for (Window rest : windows.tailMap(w.id, true).values()) {
                            rest.fail(e);
                        }
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeShard();
            }
        }

        private ShardSource.Slot[] read(int w) throws IOException {
            int n = layout.windowLength(id, w);
            ShardSource.Slot[] slots = new ShardSource.Slot[n];
            long first = layout.placeOfWindow(id, w);
            for (int k = 0; k < n; k++) {
                if (closed) {
                    throw new InterruptedIOException("the epoch was closed");
                }
                int[] jm = layout.shardMemberAt(first + k);
                slots[k] = readAt(jm[0], jm[1]);
            }
            return slots;
        }

        /** The sample at member {@code m} of the epoch's place {@code j}: skips forward, or reopens the shard. */
        private ShardSource.Slot readAt(int j, int m) throws IOException {
            int shard = layout.shardAt(j);
            if (j != place || m < member) {
                closeShard();
                place = j;
                member = 0;
                broken = false;
                brokenBy = null;
            }
            if (broken) {
                return source.truncated(shard, m, member, brokenBy);
            }
            try {
                if (tar == null) {
                    tar = new TarSamples(source.openShard(shard), source.shard(shard).url());
                }
                while (member < m) {
                    if (tar.next(false) == null) {
                        return shortShard(shard, m);
                    }
                    member++;
                }
                TarSamples.Raw raw = tar.next(true);
                if (raw == null) {
                    return shortShard(shard, m);
                }
                member++;
                return source.slot(shard, raw);
            } catch (ShardException e) {
                if (e.fault() != ShardException.Fault.DAMAGED) {
                    throw e;
                }
                broken = true;
                brokenBy = e;
                ShardSource.Slot bad = source.truncated(shard, m, member, e);
                report(shard, bad.bad());
                return bad;
            }
        }

        private ShardSource.Slot shortShard(int shard, int m) {
            broken = true;
            ShardSource.Slot s = source.truncated(shard, m, member, null);
            report(shard, s.bad());
            return s;
        }

        private void report(int shard, String why) {
            if (reported.add(shard)) {
                WebDatasetSource.LOG.warn("{}; the shard's remaining samples count as bad samples", why);
            }
        }

        private void closeShard() {
            if (tar != null) {
                try {
                    tar.close();
                } catch (IOException ignored) {
                    // a shard we stop reading
                }
                tar = null;
            }
        }
    }
}
