package dev.hnn.head;

import dev.hnn.model.SentenceEncoder;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Append-only cache of sentence features (encoder output after pooling/normalisation), keyed by text.
 * One file per encoder pipeline; records are {@code UTF text, int dim, dim floats}. Interrupted runs
 * keep what was computed; a truncated trailing record is ignored. Features are deterministic, so the
 * cache never changes results, only time.
 */
public final class FeatureCache {
    private static final int FLUSH_EVERY = 64;

    private final Path file;
    private final Map<String, float[]> features = new HashMap<>();

    private FeatureCache(Path file) {
        this.file = file;
    }

    /** Default cache directory: {@code $HNN_CACHE} or {@code ~/.cache/hnn}. */
    public static Path defaultDir() {
        String env = System.getenv("HNN_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "hnn");
    }

    /** Opens (or creates) the cache for the pipeline described by {@code pipeline}. */
    public static FeatureCache open(Path dir, String pipeline) throws IOException {
        Files.createDirectories(dir);
        String name = "features-" + Integer.toHexString(pipeline.hashCode()) + ".bin";
        FeatureCache c = new FeatureCache(dir.resolve(name));
        c.load();
        return c;
    }

    public Path file() {
        return file;
    }

    private void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            while (true) {
                String text = in.readUTF();
                int dim = in.readInt();
                float[] v = new float[dim];
                for (int i = 0; i < dim; i++) {
                    v[i] = in.readFloat();
                }
                features.put(text, v);
            }
        } catch (EOFException end) {
            // end of file, or a truncated last record from an interrupted run
        }
    }

    /**
     * Features for every text, computing (and appending) the missing ones with {@code encoder}
     * on {@code threads} threads. {@code progress} gets the number of newly computed texts so far.
     */
    public float[][] features(List<String> texts, SentenceEncoder encoder, int threads, IntConsumer progress,
                              IntConsumer missingCount) throws IOException {
        Set<String> missingSet = new LinkedHashSet<>();
        for (String t : texts) {
            if (!features.containsKey(t)) {
                missingSet.add(t);
            }
        }
        List<String> missing = new ArrayList<>(missingSet);
        missingCount.accept(missing.size());
        for (int start = 0; start < missing.size(); start += 128) {
            List<String> chunk = missing.subList(start, Math.min(missing.size(), start + 128));
            int base = start;
            float[][] computed = encoder.embedAll(chunk, threads, n -> progress.accept(base + n));
            append(chunk, computed);
        }
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            out[i] = features.get(texts.get(i));
        }
        return out;
    }

    private void append(List<String> texts, float[][] vectors) throws IOException {
        try (OutputStream os = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
            for (int i = 0; i < texts.size(); i++) {
                out.writeUTF(texts.get(i));
                out.writeInt(vectors[i].length);
                for (float f : vectors[i]) {
                    out.writeFloat(f);
                }
                features.put(texts.get(i), vectors[i]);
                if (i % FLUSH_EVERY == 0) {
                    out.flush();
                }
            }
        }
    }
}
