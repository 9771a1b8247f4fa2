package dev.hnn.train;

/** One training text as token ids (with [CLS]/[SEP]) and its label. */
record Example(int[] ids, int label) {
}
