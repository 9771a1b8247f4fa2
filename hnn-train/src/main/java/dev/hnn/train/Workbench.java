package dev.hnn.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.hnn.data.LabeledSentence;
import dev.hnn.data.SharedData;
import dev.hnn.data.Sst2Reader;
import dev.hnn.head.FullSentenceSplit;
import dev.hnn.model.MiniLm;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.model.distilbert.DistilBertClassifier;
import dev.hnn.model.distilbert.DistilBertLoader;
import dev.hnn.model.onnx.MiniLmLoader;
import dev.hnn.text.Offline;
import dev.hnn.text.TextTokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * What every training stage works on: the pre-trained encoder, the tokenized train / calibration / validation
 * texts, and the PyTorch memory they live in (closed with the workbench).
 */
public final class Workbench implements AutoCloseable {
    final TransformerEncoder base;
    final List<Example> train;
    final List<Example> calibration;
    final List<Example> validation;
    final NDManager root;
    final String splitDescription;
    final String validationFingerprint;

    private Workbench(TransformerEncoder base, List<Example> train, List<Example> calibration,
                      List<Example> validation, String splitDescription, String validationFingerprint) {
        Offline.enable();
        this.base = base;
        this.train = train;
        this.calibration = calibration;
        this.validation = validation;
        this.splitDescription = splitDescription;
        this.validationFingerprint = validationFingerprint;
        this.root = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
    }

    /** Any encoder and tokenizer on given texts (used for DistilBERT checkpoints and in tests). */
    public static Workbench of(TransformerEncoder base, TextTokenizer tokenizer, List<LabeledSentence> train,
                               List<LabeledSentence> calibration, List<LabeledSentence> validation) {
        return new Workbench(base, examples(tokenizer, train), examples(tokenizer, calibration),
                examples(tokenizer, validation), train.size() + " training, " + calibration.size() + " calibration, "
                + validation.size() + " validation texts", dev.hnn.head.Sst2Split.fingerprint(validation));
    }

    /** The shipped MiniLM on the full-sentence split of the shared SST-2 file ({@code trainLimit > 0} subsamples). */
    public static Workbench miniLmSst2(long seed, int trainLimit, PrintStream log) throws IOException {
        Offline.enable();
        try (TextTokenizer tokenizer = TextTokenizer.fromResource(MiniLmLoader.TOKENIZER_RESOURCE, MiniLm.MAX_TOKENS)) {
            return sst2(MiniLmLoader.loadDefault(), tokenizer, seed, trainLimit, log);
        }
    }

    /** A DistilBERT checkpoint directory (config.json, model.safetensors, tokenizer) on the same split. */
    public static Workbench distilBertSst2(Path checkpoint, long seed, int trainLimit, PrintStream log)
            throws IOException {
        try (DistilBertClassifier model = DistilBertLoader.load(checkpoint)) {
            return sst2(model.encoder(), model.tokenizer(), seed, trainLimit, log);
        }
    }

    private static Workbench sst2(TransformerEncoder base, TextTokenizer tokenizer, long seed, int trainLimit,
                                  PrintStream log) throws IOException {
        FullSentenceSplit split = FullSentenceSplit.make(Sst2Reader.read(SharedData.sst2Train()),
                FullSentenceSplit.DEFAULT_SEED, FullSentenceSplit.DEFAULT_VALIDATION, FullSentenceSplit.DEFAULT_CALIBRATION);
        List<LabeledSentence> train = split.train();
        if (trainLimit > 0 && trainLimit < train.size()) {
            List<LabeledSentence> shuffled = new ArrayList<>(train);
            Collections.shuffle(shuffled, new Random(seed));
            train = shuffled.subList(0, trainLimit);
        }
        FullSentenceSplit.Stats st = split.stats();
        String description = "FullSentenceSplit seed " + FullSentenceSplit.DEFAULT_SEED + ": " + st.unique()
                + " unique texts, " + st.fullSentences() + " full sentences; " + split.validation().size()
                + " validation and " + split.calibration().size() + " calibration full sentences; " + train.size()
                + " training texts (" + st.subPhrasesRemoved() + " sub-phrases of held-out sentences removed)";
        log.println("split: " + description);
        return new Workbench(base, examples(tokenizer, train), examples(tokenizer, split.calibration()),
                examples(tokenizer, split.validation()), description,
                dev.hnn.head.Sst2Split.fingerprint(split.validation()));
    }

    private static List<Example> examples(TextTokenizer tokenizer, List<LabeledSentence> part) {
        List<Example> out = new ArrayList<>(part.size());
        for (LabeledSentence s : part) {
            out.add(new Example(tokenizer.encode(s.text()), s.label()));
        }
        return out;
    }

    public TransformerEncoder base() {
        return base;
    }

    @Override
    public void close() {
        root.close();
    }
}
