package dev.hnn.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the project's shared read-only data directory ({@code shared/data}, kept beside the repository
 * and never committed). Order: system property {@code hnn.data}, environment variable {@code HNN_DATA},
 * then {@code ../shared/data} and {@code shared/data} relative to the working directory and its parents.
 */
public final class SharedData {
    public static final String PROPERTY = "hnn.data";
    public static final String ENV = "HNN_DATA";

    private SharedData() {
    }

    /** The data directory, or an exception explaining where it was looked for. */
    public static Path dir() {
        String explicit = System.getProperty(PROPERTY, System.getenv(ENV));
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            if (Files.isDirectory(p)) {
                return p;
            }
            throw new IllegalStateException("shared data directory " + p + " (from -D" + PROPERTY + " / " + ENV + ") does not exist");
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path d = cwd; d != null; d = d.getParent()) {
            for (String rel : new String[] {"../shared/data", "shared/data"}) {
                Path c = d.resolve(rel).normalize();
                if (Files.isDirectory(c.resolve("sst2"))) {
                    return c;
                }
            }
        }
        throw new IllegalStateException("shared data not found: expected ../shared/data (with sst2/train.tsv) relative to "
                + cwd + " or a parent; set -D" + PROPERTY + "=DIR or " + ENV + "=DIR");
    }

    /** {@code <data>/sst2/train.tsv}. */
    public static Path sst2Train() {
        Path p = dir().resolve("sst2").resolve("train.tsv");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("SST-2 training file missing: " + p);
        }
        return p;
    }
}
