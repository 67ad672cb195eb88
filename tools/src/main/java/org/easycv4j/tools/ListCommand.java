package org.easycv4j.tools;

import com.google.inject.Injector;
import java.util.Map;
import java.util.concurrent.Callable;
import org.easycv4j.core.registry.ComponentFactory;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Injectors;
import org.easycv4j.core.registry.Kind;
import org.easycv4j.core.util.DidYouMean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tools/list [KIND]}: the registered types of each kind with a one-line description. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the registered component types (all kinds, or one kind such as \"model\").")
public final class ListCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", description = "e.g. model, optimizer, transform")
    String kind;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Injector injector = Injectors.create();
        Components components = injector.getInstance(Components.class);
        var out = spec.commandLine().getOut();
        boolean found = false;
        for (Kind<?> k : components.kinds()) {
            if (kind != null && !k.name().equalsIgnoreCase(kind) && !k.name().replace(" ", "_").equalsIgnoreCase(kind)) {
                continue;
            }
            found = true;
            out.println(k.name() + " — " + k.description());
            for (Map.Entry<String, ComponentFactory<?, ?>> e : components.factories(k).entrySet()) {
                out.printf("  %-28s %s%n", e.getKey(), e.getValue().description());
            }
            out.println();
        }
        out.flush();
        if (!found) {
            var names = components.kinds().stream().map(Kind::name).toList();
            spec.commandLine().getErr().println("error: unknown kind \"" + kind + "\"; known: " + names
                    + DidYouMean.suffix(kind, names));
            return Main.USER_ERROR;
        }
        return 0;
    }
}
