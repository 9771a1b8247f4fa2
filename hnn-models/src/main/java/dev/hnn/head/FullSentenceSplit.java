package dev.hnn.head;

import dev.hnn.data.LabeledSentence;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A split of SST-2 train whose held-out parts are <b>full sentences</b>, the unit SST-2's real validation and test
 * sets are made of.
 *
 * <p>GLUE's SST-2 train file holds every phrase of the treebank's parse trees, so most rows are short fragments
 * ("the movie", "gorgeous") that are easy to classify, and a split of random rows measures mostly those. A full
 * sentence is the root of a tree: a text that is not a word-level span of any other text (6,885 of 66,973 unique
 * texts, 19.4 words on average, as long as the real validation sentences). Validation and calibration sentences are
 * drawn from these; every other text that is a word-level span of one of them (its own sub-phrases, which carry
 * its labels) leaves the training part, so nothing of a held-out sentence is ever trained on.
 *
 * @param train       every text left after removing the held-out sentences and their sub-phrases
 * @param calibration full sentences for fitting the soft-argmax temperature and picking checkpoints
 * @param validation  full sentences, never trained on nor used for any choice
 */
public record FullSentenceSplit(List<LabeledSentence> train, List<LabeledSentence> calibration,
                                List<LabeledSentence> validation, Stats stats) {

    /** Bookkeeping of the split. */
    public record Stats(int unique, int fullSentences, int subPhrasesRemoved) {
    }

    public static final long DEFAULT_SEED = 15;
    public static final int DEFAULT_VALIDATION = 1000;
    public static final int DEFAULT_CALIBRATION = 500;

    public static FullSentenceSplit make(List<LabeledSentence> all, long seed, int validationSize,
                                         int calibrationSize) {
        List<LabeledSentence> unique = Sst2Split.deduplicate(all).texts();
        Set<String> spansOfOthers = new HashSet<>();
        for (LabeledSentence s : unique) {
            List<String> spans = Sst2Split.wordSpans(s.text());
            // the last span starting at 0 is the text itself; every other span is a proper sub-phrase
            for (String span : spans) {
                if (span.length() < s.text().length()) {
                    spansOfOthers.add(span);
                }
            }
        }
        List<LabeledSentence> full = new ArrayList<>();
        for (LabeledSentence s : unique) {
            if (!spansOfOthers.contains(s.text())) {
                full.add(s);
            }
        }
        if (full.size() < validationSize + calibrationSize) {
            throw new IllegalArgumentException("only " + full.size() + " full sentences for "
                    + validationSize + " validation and " + calibrationSize + " calibration sentences");
        }
        Collections.shuffle(full, new Random(seed));
        List<LabeledSentence> validation = List.copyOf(full.subList(0, validationSize));
        List<LabeledSentence> calibration = List.copyOf(full.subList(validationSize, validationSize + calibrationSize));
        Set<String> heldOutSpans = new HashSet<>();
        for (List<LabeledSentence> part : List.of(validation, calibration)) {
            for (LabeledSentence s : part) {
                heldOutSpans.addAll(Sst2Split.wordSpans(s.text()));
            }
        }
        List<LabeledSentence> train = new ArrayList<>();
        int removed = 0;
        for (LabeledSentence s : unique) {
            if (heldOutSpans.contains(s.text())) {
                removed++;
            } else {
                train.add(s);
            }
        }
        removed -= validationSize + calibrationSize; // the held-out sentences themselves
        return new FullSentenceSplit(List.copyOf(train), calibration, validation,
                new Stats(unique.size(), full.size(), removed));
    }
}
