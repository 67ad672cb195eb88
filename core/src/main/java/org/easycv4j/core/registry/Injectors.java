package org.easycv4j.core.registry;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Builds the one injector of a run or test: every {@link PluginModule} on the class path (through
 * {@code META-INF/services}), plus modules named in the config's {@code modules} list, plus any given.
 */
public final class Injectors {
    private Injectors() {}

    /** An injector over the class path's plugins, the named module classes and {@code extra}. */
    public static Injector create(ClassLoader loader, List<String> moduleClassNames, Module... extra) {
        Map<Class<?>, Module> modules = new LinkedHashMap<>();
        for (PluginModule m : ServiceLoader.load(PluginModule.class, loader)) {
            modules.putIfAbsent(m.getClass(), m);
        }
        for (String name : moduleClassNames) {
            Module m = instantiate(loader, name);
            modules.putIfAbsent(m.getClass(), m);
        }
        for (Module m : extra) {
            modules.putIfAbsent(m.getClass(), m);
        }
        try {
            return Guice.createInjector(new ArrayList<>(modules.values()));
        } catch (CreationException e) {
            // Guice's own text names both bindings of a duplicate name; its class-name legend adds nothing.
            String text = e.getMessage();
            int legend = text.indexOf("\n======");
            throw new RegistryException("cannot set up the component registries: "
                    + (legend > 0 ? text.substring(0, legend) : text).trim(), e);
        }
    }

    /** An injector over the class path's plugins only. */
    public static Injector create(Module... extra) {
        return create(Injectors.class.getClassLoader(), List.of(), extra);
    }

    private static Module instantiate(ClassLoader loader, String name) {
        Class<?> cls;
        try {
            cls = Class.forName(name, true, loader);
        } catch (ClassNotFoundException e) {
            throw new RegistryException("modules: class \"" + name + "\" is not on the class path", e);
        }
        if (!Module.class.isAssignableFrom(cls)) {
            throw new RegistryException("modules: \"" + name + "\" is not a Guice module (com.google.inject.Module)");
        }
        try {
            return (Module) cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new RegistryException("modules: cannot instantiate \"" + name + "\" (it needs a public no-argument "
                    + "constructor): " + e, e);
        }
    }
}
