package dev.hnn.cli;

import dev.hnn.head.SentimentModel;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** Shared model options: a shipped model by name, a delta file from {@code hnn train}, or a frozen-feature head file. */
final class ModelOption {
    @Option(names = "--model", paramLabel = "NAME", description = "minilm-sst2 (fine-tuned, the default; with "
            + "--encrypted-encoder: minilm-sst2-he), minilm-sst2-he (its HE-friendly variant) or minilm-frozen (frozen "
            + "MiniLM features + the head of `hnn train-head`).")
    String model;

    @Option(names = "--delta", paramLabel = "FILE", description = "A fine-tuned model file written by `hnn train`.")
    Path delta;

    @Option(names = "--head", paramLabel = "FILE", description = "A head file of `hnn train-head` (on the frozen MiniLM "
            + "features).")
    Path head;

    private SentimentModel loaded;

    SentimentModel load() throws IOException {
        return load(SentimentModel.DEFAULT);
    }

    /** The model, {@code defaultName} when none was chosen. */
    SentimentModel load(String defaultName) throws IOException {
        if (loaded == null) {
            if (delta != null && head != null) {
                throw new IllegalArgumentException("give at most one of --delta and --head");
            }
            loaded = delta != null ? SentimentModel.fromDeltaFile(delta)
                    : head != null ? SentimentModel.frozenWithHead(head)
                    : SentimentModel.load(model == null ? defaultName : model);
        }
        return loaded;
    }
}
