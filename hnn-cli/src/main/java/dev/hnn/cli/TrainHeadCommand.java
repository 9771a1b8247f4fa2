package dev.hnn.cli;

import dev.hnn.data.SharedData;
import dev.hnn.head.ActivationKind;
import dev.hnn.head.FeatureCache;
import dev.hnn.head.HeadFile;
import dev.hnn.head.HeadTraining;
import dev.hnn.head.TrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hnn train-head}: trains the SST-2 sentiment head on frozen MiniLM features. */
@Command(name = "train-head", mixinStandardHelpOptions = true,
        description = "Train the SST-2 sentiment head on the frozen MiniLM encoder (seeded, reproducible).")
public final class TrainHeadCommand implements Callable<Integer> {
    private static final TrainingConfig D = TrainingConfig.defaults();

    @Option(names = "--data", paramLabel = "FILE", description = "SST-2 train.tsv (default: ../shared/data/sst2/train.tsv, "
            + "or $HNN_DATA/sst2/train.tsv).")
    Path data;

    @Option(names = "--out", paramLabel = "FILE", description = "Output head file (default: " + HeadFile.SOURCE_PATH + ").")
    Path out = Path.of(HeadFile.SOURCE_PATH);

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Feature cache (default: $HNN_CACHE or ~/.cache/hnn).")
    Path cacheDir;

    @Option(names = "--seed", description = "Seed for split, init and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = D.seed();

    @Option(names = "--validation-size", description = "Held-out validation texts (default: ${DEFAULT-VALUE}).")
    int validationSize = 2000;

    @Option(names = "--calibration-size", description = "Texts held out from phase 1 to fit T (default: ${DEFAULT-VALUE}).")
    int calibrationSize = 1000;

    @Option(names = "--train-size", description = "Training texts, 0 = whole pool (default: ${DEFAULT-VALUE}).")
    int trainSize = DEFAULT_TRAIN_SIZE;

    @Option(names = "--hidden", description = "Hidden units, at most 64 (default: ${DEFAULT-VALUE}).")
    int hidden = D.hidden();

    @Option(names = "--activation", description = "poly2, gelu or tanh (default: ${DEFAULT-VALUE}).")
    String activation = D.activation().id();

    @Option(names = "--epochs", description = "Phase-1 epochs (default: ${DEFAULT-VALUE}).")
    int epochs = D.epochs();

    @Option(names = "--lr", description = "Phase-1 Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr = D.learningRate();

    @Option(names = "--weight-decay", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay = D.weightDecay();

    @Option(names = "--activation-bound", description = "Phase 1 penalises hidden pre-activations beyond +-this "
            + "(default: ${DEFAULT-VALUE}).")
    double activationBound = D.activationBound();

    @Option(names = "--logit-bound", description = "Phase 1 penalises logit differences z1 - z0 beyond +-this "
            + "(default: ${DEFAULT-VALUE}).")
    double logitBound = D.logitBound();

    @Option(names = "--range-penalty", description = "Weight of the range penalty, 0 = none (default: ${DEFAULT-VALUE}).")
    double rangePenalty = D.rangePenalty();

    @Option(names = "--threads", description = "Encoder threads (default: ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    /** Size used for the shipped head; see docs/models.md for the compute budget behind it. */
    public static final int DEFAULT_TRAIN_SIZE = 8000;

    @Override
    public Integer call() throws Exception {
        if (hidden < 1 || hidden > 64) {
            throw new IllegalArgumentException("--hidden must be in 1..64 (CKKS budget)");
        }
        TrainingConfig cfg = new TrainingConfig(seed, hidden, ActivationKind.fromId(activation), epochs, D.batchSize(),
                lr, weightDecay, D.temperatureSteps(), D.temperatureLearningRate(), activationBound, logitBound,
                rangePenalty);
        Path tsv = data != null ? data : SharedData.sst2Train();
        Path cache = cacheDir != null ? cacheDir : FeatureCache.defaultDir();
        new HeadTraining(System.out).run(new HeadTraining.Options(tsv, out, cache, validationSize, calibrationSize,
                trainSize, threads, cfg));
        return 0;
    }
}
