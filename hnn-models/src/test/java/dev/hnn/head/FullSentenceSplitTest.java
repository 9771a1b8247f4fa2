package dev.hnn.head;

import dev.hnn.data.LabeledSentence;
import dev.hnn.data.SharedData;
import dev.hnn.data.Sst2Reader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The full-sentence split on the real SST-2 training file: held-out parts are whole sentences and nothing leaks. */
class FullSentenceSplitTest {
    static List<LabeledSentence> all;
    static FullSentenceSplit split;

    @BeforeAll
    static void load() throws IOException {
        all = Sst2Reader.read(SharedData.sst2Train());
        split = FullSentenceSplit.make(all, FullSentenceSplit.DEFAULT_SEED, 1000, 500);
    }

    @Test
    void heldOutTextsAreSentencesNotPhrases() {
        Set<String> properSpans = new HashSet<>();
        for (LabeledSentence s : Sst2Split.deduplicate(all).texts()) {
            for (String span : Sst2Split.wordSpans(s.text())) {
                if (span.length() < s.text().length()) {
                    properSpans.add(span);
                }
            }
        }
        double words = 0;
        for (List<LabeledSentence> part : List.of(split.validation(), split.calibration())) {
            for (LabeledSentence s : part) {
                assertFalse(properSpans.contains(s.text()), "a held-out text is a phrase of another: " + s.text());
                words += s.text().split(" ").length;
            }
        }
        // full sentences are long (SST-2's real validation sentences average about 19 words); phrases are not
        assertTrue(words / 1500 > 15, "mean held-out length " + words / 1500);
        assertEquals(1000, split.validation().size());
        assertEquals(500, split.calibration().size());
    }

    @Test
    void noTrainingTextIsPartOfAHeldOutSentence() {
        Set<String> heldOut = new HashSet<>();
        for (List<LabeledSentence> part : List.of(split.validation(), split.calibration())) {
            for (LabeledSentence s : part) {
                heldOut.addAll(Sst2Split.wordSpans(s.text()));
            }
        }
        for (LabeledSentence s : split.train()) {
            assertFalse(heldOut.contains(s.text()), "training text inside a held-out sentence: " + s.text());
        }
        assertTrue(split.train().size() > 45_000, "training texts " + split.train().size());
        assertEquals(Sst2Split.deduplicate(all).texts().size(),
                split.train().size() + 1500 + split.stats().subPhrasesRemoved());
    }

    @Test
    void seededAndBalancedEnough() {
        FullSentenceSplit again = FullSentenceSplit.make(all, FullSentenceSplit.DEFAULT_SEED, 1000, 500);
        assertEquals(Sst2Split.fingerprint(split.validation()), Sst2Split.fingerprint(again.validation()));
        FullSentenceSplit other = FullSentenceSplit.make(all, FullSentenceSplit.DEFAULT_SEED + 1, 1000, 500);
        assertFalse(Sst2Split.fingerprint(split.validation()).equals(Sst2Split.fingerprint(other.validation())));
        long positive = split.validation().stream().filter(s -> s.label() == 1).count();
        assertTrue(positive > 400 && positive < 600, "positives in validation: " + positive);
    }
}
