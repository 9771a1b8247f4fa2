package dev.hnn.data;

/** One SST-2 example: text and label (0 negative, 1 positive). */
public record LabeledSentence(String text, int label) {
}
