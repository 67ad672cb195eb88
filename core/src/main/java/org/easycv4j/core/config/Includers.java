package org.easycv4j.core.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import java.io.File;
import java.net.URL;

/** What a configuration may include: files and class-path resources for experiments, nothing for stored ones. */
final class Includers {
    private Includers() {}

    /** Files and class-path resources; {@code url(...)} other than {@code file:} refused. */
    static ConfigIncluder localOnly() {
        return new LocalIncludes();
    }

    /** Every include refused, naming {@code origin}. */
    static ConfigIncluder none(String origin) {
        return new NoIncludes(origin);
    }

    /** Follows includes of files and class-path resources, refuses URLs other than {@code file:}. */
    private static final class LocalIncludes
            implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
        private final ConfigIncluder fallback;

        LocalIncludes() {
            this(null);
        }

        private LocalIncludes(ConfigIncluder fallback) {
            this.fallback = fallback;
        }

        @Override
        public ConfigIncluder withFallback(ConfigIncluder f) {
            return fallback == f ? this : new LocalIncludes(f);
        }

        @Override
        public ConfigObject include(ConfigIncludeContext context, String what) {
            // an unqualified include of "http://..." is an URL include for HOCON
            int colon = what.indexOf(':');
            if (colon > 1 && what.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")
                    && !what.regionMatches(true, 0, "file:", 0, 5)) {
                throw refused(what);
            }
            return fallback.include(context, what);
        }

        @Override
        public ConfigObject includeURL(ConfigIncludeContext context, URL url) {
            if (!"file".equalsIgnoreCase(url.getProtocol())) {
                throw refused(url.toString());
            }
            return ((ConfigIncluderURL) fallback).includeURL(context, url);
        }

        @Override
        public ConfigObject includeFile(ConfigIncludeContext context, File file) {
            return ((ConfigIncluderFile) fallback).includeFile(context, file);
        }

        @Override
        public ConfigObject includeResources(ConfigIncludeContext context, String what) {
            return ((ConfigIncluderClasspath) fallback).includeResources(context, what);
        }

        private static ConfigException refused(String url) {
            return new ConfigException.Generic("include of " + url + " refused: a configuration may include files "
                    + "and class-path resources only (download it and include the file)");
        }
    }

    /** Every include refused: stored configurations are complete and are read as data. */
    private record NoIncludes(String origin) implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL,
            ConfigIncluderClasspath {
        @Override
        public ConfigIncluder withFallback(ConfigIncluder f) {
            return this;
        }

        @Override
        public ConfigObject include(ConfigIncludeContext context, String what) {
            throw refused(what);
        }

        @Override
        public ConfigObject includeURL(ConfigIncludeContext context, URL url) {
            throw refused(url.toString());
        }

        @Override
        public ConfigObject includeFile(ConfigIncludeContext context, File file) {
            throw refused(file.toString());
        }

        @Override
        public ConfigObject includeResources(ConfigIncludeContext context, String what) {
            throw refused(what);
        }

        private ConfigException refused(String what) {
            return new ConfigException.Generic(origin + ": include of " + what + " refused: a stored configuration "
                    + "is read as data, without includes");
        }
    }
}
