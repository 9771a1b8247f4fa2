package dev.hnn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code hnn train}: fine-tunes MiniLM-L6 on SST-2 and distils its HE-friendly variant. It runs on DJL's PyTorch
 * engine, which is not in hnn.jar (it is 115 MB): the {@code hnn} launcher adds the training class path. This class
 * names no PyTorch type, so the CLI loads without it.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Fine-tune MiniLM-L6 on SST-2 (adapters on every layer + head), then distil the HE-friendly "
                + "variant. Seeded; needs ../shared/data/sst2/train.tsv and the training class path (./hnn adds it).")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--out-dir", paramLabel = "DIR", description = "Where the model files go (default: ${DEFAULT-VALUE}).")
    Path outDir = Path.of("hnn-models/src/main/resources/dev/hnn/model");

    @Option(names = "--stage", description = "all, finetune, distill (reads the fine-tuned delta from --out-dir) or "
            + "ranges (records the ranges of both saved models again) (default: ${DEFAULT-VALUE}).")
    String stage = "all";

    @Option(names = "--epochs", description = "Fine-tuning epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 2;

    @Option(names = "--distill-epochs", description = "Distillation epochs of the HE-friendly variant, 0 = skip "
            + "(default: ${DEFAULT-VALUE}).")
    int distillEpochs = 1;

    @Option(names = "--limit", description = "Train on at most this many texts, 0 = all (default: ${DEFAULT-VALUE}).")
    int limit = 0;

    @Option(names = "--distilbert", paramLabel = "DIR", description = "Fine-tune this DistilBERT checkpoint directory "
            + "(see `hnn download`) instead of the shipped MiniLM-L6; write the deltas to --out-dir.")
    Path distilBert;

    @Option(names = "--continue", description = "Distillation continues from the HE-friendly delta in --out-dir "
            + "instead of starting from the teacher.")
    boolean continueStudent;

    @Option(names = "--distill-lr", description = "Peak learning rate of the distillation (default: ${DEFAULT-VALUE}; "
            + "use less with --continue).")
    float distillLearningRate = 1e-3f;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Override
    public Integer call() throws Exception {
        try {
            Class.forName("ai.djl.pytorch.engine.PtEngine");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the PyTorch engine is not on the class path: run `./hnn train` "
                    + "(it adds target/train.classpath) or put DJL's pytorch-engine and pytorch-native-cpu on it");
        }
        dev.hnn.train.TrainPipeline.Stage st = dev.hnn.train.TrainPipeline.Stage.valueOf(
                stage.toUpperCase(java.util.Locale.ROOT));
        dev.hnn.train.TrainPipeline.run(new dev.hnn.train.TrainPipeline.Options(outDir, st, epochs, distillEpochs,
                limit, seed, distilBert, continueStudent, distillLearningRate), System.out);
        return 0;
    }
}
