package org.easycv4j.tools.convert;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.config.ComponentBuildException;
import org.easycv4j.tools.convert.PyConfigParser.Problem;
import org.easycv4j.tools.convert.PyValue.Dict;

/**
 * An EasyCV python config to an EasyCV4J HOCON config: read ({@link EasyCvConfigReader}), mapped
 * ({@link EasyCvMapping}), written ({@link HoconWriter}). Constructs outside the literal subset fail the whole
 * translation with every one listed; values without a counterpart are dropped and listed as notes.
 */
public final class ConfigConverter {

    /**
     * The HOCON text, what was not translated (as {@code file:line: path: why}) and what the user must still
     * set: the data paths found, with EasyCV's values, and how EasyCV's absolute lr relates to its batch.
     */
    public record Translation(String hocon, List<String> notes, List<String> toSet) {}

    private ConfigConverter() {}

    /**
     * @throws ComponentBuildException listing every construct outside the subset, with file and line
     */
    public static Translation convert(Path file, Optional<Path> easycvRoot) {
        EasyCvConfigReader.Result read = EasyCvConfigReader.read(file, easycvRoot);
        if (!read.problems().isEmpty()) {
            StringBuilder b = new StringBuilder(read.problems().size() + " problem"
                    + (read.problems().size() == 1 ? "" : "s") + " reading " + file
                    + " (only name = value assignments of side-effect-free Python are translated, see the EasyCV"
                    + " section of docs/config.md):");
            for (Problem p : read.problems()) {
                b.append("\n  ").append(p);
            }
            throw new ComponentBuildException(b.toString());
        }
        EasyCvMapping.Context ctx = new EasyCvMapping.Context();
        Dict mapped = EasyCvMapping.apply(read.config(), ctx);
        List<String> notes = new ArrayList<>();
        ctx.notes.forEach(n -> notes.add(n.toString()));
        Map<String, PyValue> keys = HoconWriter.select(mapped, true);
        Map<String, PyValue> vars = HoconWriter.select(mapped, false);
        for (Map.Entry<String, PyValue> e : vars.entrySet()) {
            if (!read.used().contains(e.getKey())) {
                notes.add(e.getValue().loc() + ": " + e.getKey() + ": not a key EasyCV4J reads and not used by "
                        + "another value; kept under vars, without effect");
            }
        }
        List<String> toSet = new ArrayList<>(StillToSet.dataPaths(mapped, vars));
        StillToSet.lr(mapped, file.getFileName().toString()).ifPresent(toSet::add);
        List<String> header = new ArrayList<>();
        header.add("Translated from " + file.getFileName() + " by tools/convert-config.");
        if (!notes.isEmpty()) {
            header.add("Not translated:");
            notes.forEach(n -> header.add("  " + n));
        }
        if (!toSet.isEmpty()) {
            header.add("To set before training:");
            toSet.forEach(n -> header.add("  " + n));
        }
        String hocon = HoconWriter.write(header, keys, vars, List.copyOf(mapped.map().keySet()));
        try {
            ConfigFactory.parseString(hocon, ConfigParseOptions.defaults()).resolve(ConfigResolveOptions.defaults());
        } catch (ConfigException e) {
            throw new IllegalStateException("translation of " + file + " is not valid HOCON: " + e.getMessage()
                    + "\n" + hocon, e);
        }
        return new Translation(hocon, List.copyOf(notes), List.copyOf(toSet));
    }
}
