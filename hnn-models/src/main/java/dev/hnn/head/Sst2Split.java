package dev.hnn.head;

import dev.hnn.data.LabeledSentence;
import dev.hnn.data.SharedData;
import dev.hnn.data.Sst2Reader;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Seeded, leak-free split of SST-2 train into train / calibration / validation parts.
 *
 * <ol>
 *   <li>Normalise (trim, lower-case, collapse spaces) and drop exact duplicates (first occurrence kept;
 *       texts that occur with both labels are dropped entirely).</li>
 *   <li>Shuffle with {@code java.util.Random(seed)}; the first {@code validationSize} texts are validation.</li>
 *   <li>SST-2 train holds phrases cut from longer sentences, so every remaining text that is a
 *       word-level substring of a validation text, or contains one, is removed from the pool.</li>
 *   <li>The next {@code calibrationSize} pool texts are the calibration part (used only to fit T),
 *       the next {@code trainSize} (or all remaining if {@code trainSize <= 0}) the training part.</li>
 * </ol>
 */
public record Sst2Split(List<LabeledSentence> train, List<LabeledSentence> calibration,
                        List<LabeledSentence> validation, Stats stats) {

    /** Bookkeeping of what the split removed. */
    public record Stats(int read, int duplicates, int conflicting, int overlapRemoved, int poolAfterFilter) {
    }

    /** Normalised texts in file order, exact duplicates and texts seen with both labels dropped. */
    public record Unique(List<LabeledSentence> texts, int duplicates, int conflicting) {
    }

    /** Step 1 of the split, shared with {@link FullSentenceSplit}. */
    public static Unique deduplicate(List<LabeledSentence> all) {
        Map<String, Integer> labelOf = new HashMap<>();
        Set<String> conflicting = new HashSet<>();
        List<String> order = new ArrayList<>();
        int dups = 0;
        for (LabeledSentence s : all) {
            String t = normalize(s.text());
            if (t.isEmpty()) {
                continue;
            }
            Integer prev = labelOf.putIfAbsent(t, s.label());
            if (prev == null) {
                order.add(t);
            } else {
                dups++;
                if (prev != s.label()) {
                    conflicting.add(t);
                }
            }
        }
        List<LabeledSentence> unique = new ArrayList<>();
        for (String t : order) {
            if (!conflicting.contains(t)) {
                unique.add(new LabeledSentence(t, labelOf.get(t)));
            }
        }
        return new Unique(unique, dups, conflicting.size());
    }

    public static Sst2Split make(List<LabeledSentence> all, long seed, int validationSize, int calibrationSize,
                                 int trainSize) {
        Unique u = deduplicate(all);
        List<LabeledSentence> unique = new ArrayList<>(u.texts());
        int dups = u.duplicates();
        Collections.shuffle(unique, new Random(seed));
        if (unique.size() < validationSize + calibrationSize + 1) {
            throw new IllegalArgumentException("not enough sentences for the requested split");
        }
        List<LabeledSentence> validation = List.copyOf(unique.subList(0, validationSize));
        Set<String> valTexts = new HashSet<>();
        Set<String> valSpans = new HashSet<>();
        for (LabeledSentence v : validation) {
            valTexts.add(v.text());
            valSpans.addAll(wordSpans(v.text()));
        }
        List<LabeledSentence> pool = new ArrayList<>();
        int removed = 0;
        for (LabeledSentence s : unique.subList(validationSize, unique.size())) {
            boolean overlaps = valSpans.contains(s.text());
            if (!overlaps) {
                for (String span : wordSpans(s.text())) {
                    if (valTexts.contains(span)) {
                        overlaps = true;
                        break;
                    }
                }
            }
            if (overlaps) {
                removed++;
            } else {
                pool.add(s);
            }
        }
        List<LabeledSentence> calibration = List.copyOf(pool.subList(0, calibrationSize));
        int end = trainSize <= 0 ? pool.size() : Math.min(pool.size(), calibrationSize + trainSize);
        List<LabeledSentence> train = List.copyOf(pool.subList(calibrationSize, end));
        return new Sst2Split(train, calibration, validation,
                new Stats(all.size(), dups, u.conflicting(), removed, pool.size()));
    }

    /**
     * The validation split a head was trained with, re-derived from the shared SST-2 training file with the
     * seed and sizes recorded in its head file, and checked against the recorded fingerprint.
     */
    public static List<LabeledSentence> recordedValidation(Map<String, Object> training) throws java.io.IOException {
        Sst2Split split = make(Sst2Reader.read(SharedData.sst2Train()),
                ((Number) training.get("seed")).longValue(), ((Number) training.get("validation_size")).intValue(),
                ((Number) training.get("calibration_size")).intValue(),
                ((Number) training.get("requested_train_size")).intValue());
        if (!fingerprint(split.validation()).equals(training.get("validation_fingerprint"))) {
            throw new IllegalStateException("re-derived validation split does not match the head's fingerprint");
        }
        return split.validation();
    }

    /** Lower-case, trimmed, single-spaced text (the form every part of the pipeline sees). */
    public static String normalize(String s) {
        return s.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /** All contiguous word spans of a normalised text, joined by single spaces. */
    public static List<String> wordSpans(String text) {
        String[] w = text.split(" ");
        List<String> spans = new ArrayList<>();
        for (int i = 0; i < w.length; i++) {
            StringBuilder b = new StringBuilder();
            for (int j = i; j < w.length; j++) {
                if (j > i) {
                    b.append(' ');
                }
                b.append(w[j]);
                spans.add(b.toString());
            }
        }
        return spans;
    }

    /** SHA-256 over the texts and labels of a part, to pin a split in the head file. */
    public static String fingerprint(List<LabeledSentence> part) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (LabeledSentence s : part) {
                md.update(s.text().getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\t');
                md.update((byte) ('0' + s.label()));
                md.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
