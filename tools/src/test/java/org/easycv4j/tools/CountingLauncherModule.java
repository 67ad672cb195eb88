package org.easycv4j.tools;

import com.google.inject.AbstractModule;
import java.util.concurrent.atomic.AtomicInteger;
import org.easycv4j.core.dist.Collective;
import org.easycv4j.core.dist.Launchers;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;

/**
 * Tests only: a distributed backend registered from outside core, as a plugin jar registers one (through
 * {@code META-INF/services}): {@code --launcher counting-single} joins a job of one process and counts the joins.
 */
public final class CountingLauncherModule extends AbstractModule implements PluginModule {
    static final AtomicInteger JOINED = new AtomicInteger();

    @Override
    protected void configure() {
        Registrations.of(binder(), Collective.KIND)
                .add(ComponentType.of("counting-single", "one process; counts the joins (tests)",
                        Launchers.Settings::fromConfig, (s, ctx) -> {
                            JOINED.incrementAndGet();
                            return Collective.single();
                        }));
    }
}
