package dev.hnn.head;

/**
 * Hyper-parameters of {@link HeadTrainer}; everything that influences the result, so it is stored in
 * the head file.
 */
public record TrainingConfig(long seed, int hidden, ActivationKind activation, int epochs, int batchSize,
                             double learningRate, double weightDecay, int temperatureSteps,
                             double temperatureLearningRate) {

    public static TrainingConfig defaults() {
        return new TrainingConfig(42, 32, ActivationKind.GELU, 40, 64, 1e-3, 3e-2, 400, 0.02);
    }
}
