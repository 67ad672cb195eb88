package org.easycv4j.core.dist;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;

/** Declares the launcher kind and registers the launchers core ships (--launcher). */
public final class LauncherRegistrations extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.declare(binder(), Collective.KIND)
                .add(Launchers.NONE)
                .add(Launchers.MPI);
    }
}
