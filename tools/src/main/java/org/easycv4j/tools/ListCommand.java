package org.easycv4j.tools;

import com.google.inject.Injector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Injectors;
import org.easycv4j.core.registry.Kind;
import org.easycv4j.core.util.DidYouMean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tools/list [KIND]}: the registered types of each kind with a one-line description;
 * {@code tools/list --keys TYPE|KIND}: the keys of a type (or of every type of a kind) with what each expects
 * and its default, as Markdown, read from the type's own settings parser (docs/config.md's key reference is this
 * output).
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the registered component types (all kinds, or one kind such as \"model\"), or with "
                + "--keys the keys of a type with their defaults.")
public final class ListCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", description = "e.g. model, optimizer, transform")
    String kind;

    @Option(names = "--keys", paramLabel = "TYPE|KIND",
            description = "print the keys of a registered type (e.g. RandomResizedCrop), or of every type of a kind "
                    + "(e.g. transform), with what each expects and its default, as Markdown; repeatable")
    List<String> keys;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Injector injector = Injectors.create();
        Components components = injector.getInstance(Components.class);
        if (keys != null) {
            return printKeys(components);
        }
        var out = spec.commandLine().getOut();
        boolean found = false;
        for (Kind<?> k : components.kinds()) {
            if (kind != null && !k.name().equalsIgnoreCase(kind) && !k.name().replace(" ", "_").equalsIgnoreCase(kind)) {
                continue;
            }
            found = true;
            out.println(k.name() + " — " + k.description());
            for (Map.Entry<String, ComponentType<?, ?>> e : components.types(k).entrySet()) {
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

    private static boolean kindMatches(Kind<?> k, String name) {
        return k.name().equalsIgnoreCase(name) || k.name().replace(" ", "_").equalsIgnoreCase(name);
    }

    private int printKeys(Components components) {
        var out = spec.commandLine().getOut();
        List<String> blocks = new ArrayList<>();
        for (String name : keys) {
            List<String> found = new ArrayList<>();
            for (Kind<?> k : components.kinds()) {
                for (Map.Entry<String, ComponentType<?, ?>> e : components.types(k).entrySet()) {
                    if (kindMatches(k, name) || e.getKey().equals(name)) {
                        found.add(keyTable(components, k, e.getValue()));
                    }
                }
            }
            if (found.isEmpty()) {
                List<String> known = new ArrayList<>();
                components.kinds().forEach(k -> {
                    known.add(k.name());
                    known.addAll(components.types(k).keySet());
                });
                spec.commandLine().getErr().println("error: no type or kind \"" + name + "\"; known: " + known
                        + DidYouMean.suffix(name, known));
                return Main.USER_ERROR;
            }
            blocks.addAll(found);
        }
        out.print(String.join("\n", blocks));
        out.flush();
        return 0;
    }

    /** One type's keys as a Markdown table, from what its settings parser reads on a config of its type alone. */
    static String keyTable(Components components, Kind<?> kind, ComponentType<?, ?> type) {
        ConfigNode node = ConfigNode.describing("type", type.name());
        type.settings(node, components);
        StringBuilder sb = new StringBuilder();
        sb.append("#### ").append(type.name()).append(" (").append(kind.name()).append(")\n\n")
                .append(type.description()).append("\n\n");
        List<ConfigNode.KeyInfo> infos = node.describedKeys().stream()
                .filter(i -> !i.key().equals("type")).toList();
        if (infos.isEmpty()) {
            return sb.append("No keys besides `type`.\n").toString();
        }
        sb.append("| key | expects | default |\n|---|---|---|\n");
        for (ConfigNode.KeyInfo i : infos) {
            String def = i.required() ? "required" : i.fallback().isEmpty() ? "–" : "`" + i.fallback() + "`";
            sb.append("| `").append(i.key()).append("` | ").append(i.expected()).append(" | ").append(def)
                    .append(" |\n");
        }
        return sb.toString();
    }
}
