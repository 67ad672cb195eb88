package org.easycv4j.tools;

import com.google.inject.AbstractModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;
import org.easycv4j.core.runner.Hook;
import org.easycv4j.core.runner.RunContext;
import org.easycv4j.core.runner.RunServices;
import org.easycv4j.core.runner.StopSignals;

/**
 * Tests only: hooks that put a stop request at a known iteration, so that the stop's position does not depend on
 * how fast this machine trains.
 * <ul>
 *   <li>{@code {type = PauseAt, iter = 20, rank = 0, max_seconds = 60}}: after global iteration {@code iter}
 *       (0-based) the rank writes {@code WORK_DIR/paused_<rank>} and waits until a signal reached it (or
 *       {@code max_seconds} passed): the test sends the signal once it sees the file, and the run stops at the
 *       boundary that follows.</li>
 *   <li>{@code {type = StopAt, iter = 20}}: requests the stop itself, as a signal would, in-process runs.</li>
 * </ul>
 */
public final class StopTestModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.of(binder(), Hook.KIND)
                .add(ComponentType.of("PauseAt", "waits for a signal after an iteration (tests)",
                        PauseSettings::fromConfig, (s, ctx) -> pause(s)))
                .add(ComponentType.of("StopAt", "requests a stop after an iteration (tests)",
                        StopSettings::fromConfig, (s, ctx) -> stop(s)));
    }

    record PauseSettings(long iter, int rank, int maxSeconds) {
        static PauseSettings fromConfig(ConfigNode node) {
            return new PauseSettings(node.longValue("iter"), node.integer("rank", -1), node.integer("max_seconds", 60));
        }
    }

    static Hook pause(PauseSettings s) {
        return new Hook() {
            private int rank;

            @Override
            public void setUp(RunServices services) {
                rank = services.collective().rank();
            }

            @Override
            public void afterIter(RunContext c) {
                if (c.iter() != s.iter() || (s.rank() >= 0 && s.rank() != rank)) {
                    return;
                }
                try {
                    Files.writeString(c.workDir().resolve("paused_" + rank), Long.toString(c.iter()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                long deadline = System.nanoTime() + s.maxSeconds() * 1_000_000_000L;
                while (!StopSignals.process().requested() && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        };
    }

    record StopSettings(long iter) {
        static StopSettings fromConfig(ConfigNode node) {
            return new StopSettings(node.longValue("iter"));
        }
    }

    static Hook stop(StopSettings s) {
        return new Hook() {
            @Override
            public void afterIter(RunContext c) {
                if (c.iter() == s.iter()) {
                    StopSignals.process().request("StopAt " + s.iter());
                }
            }
        };
    }
}
