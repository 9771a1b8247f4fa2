package dev.hnn.head;

import dev.hnn.data.LabeledSentence;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Sst2SplitTest {

    @Test
    void splitIsSeededDisjointAndFreeOfSubstringLeaks() {
        List<LabeledSentence> all = new ArrayList<>();
        String[] words = {"good", "bad", "movie", "plot", "acting", "very", "not", "fun", "dull", "story"};
        java.util.Random r = new java.util.Random(0);
        for (int i = 0; i < 3000; i++) {
            StringBuilder b = new StringBuilder();
            int len = 1 + r.nextInt(8);
            for (int w = 0; w < len; w++) {
                b.append(w == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
            }
            all.add(new LabeledSentence(b + " " + i % 400, r.nextInt(2)));
        }
        all.add(new LabeledSentence("  Good   movie 7 ", 1)); // duplicate after normalisation
        all.add(new LabeledSentence("good movie 7", 1));
        Sst2Split a = Sst2Split.make(all, 9, 300, 100, 500);
        Sst2Split b = Sst2Split.make(all, 9, 300, 100, 500);
        assertEquals(a.validation(), b.validation());
        assertEquals(a.train(), b.train());
        assertFalse(a.validation().equals(Sst2Split.make(all, 10, 300, 100, 500).validation()));
        assertEquals(300, a.validation().size());
        assertEquals(100, a.calibration().size());
        assertEquals(500, a.train().size());
        assertTrue(a.stats().duplicates() >= 1);
        Set<String> val = new HashSet<>();
        a.validation().forEach(s -> val.add(s.text()));
        for (List<LabeledSentence> part : List.of(a.train(), a.calibration())) {
            for (LabeledSentence s : part) {
                for (String v : val) {
                    assertFalse((" " + v + " ").contains(" " + s.text() + " ") || (" " + s.text() + " ").contains(" " + v + " "),
                            "leak: '" + s.text() + "' vs validation '" + v + "'");
                }
            }
        }
        Set<String> trainTexts = new HashSet<>();
        a.train().forEach(s -> trainTexts.add(s.text()));
        a.calibration().forEach(s -> assertFalse(trainTexts.contains(s.text())));
    }
}
