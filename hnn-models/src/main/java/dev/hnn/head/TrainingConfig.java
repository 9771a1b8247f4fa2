package dev.hnn.head;

/**
 * Hyper-parameters of {@link HeadTrainer}; everything that influences the result, so it is stored in
 * the head file.
 *
 * <p>{@code activationBound}, {@code logitBound} and {@code rangePenalty} make the head cheaper to evaluate
 * encrypted: phase 1 adds {@code rangePenalty * (max(0, |a| - activationBound)^2 + max(0, |z1 - z0| - logitBound)^2)}
 * per text (summed over hidden units for {@code a}), which keeps the inputs of the two non-linearities in the
 * narrow intervals where low-degree polynomials follow them. {@code rangePenalty = 0} trains without it.
 */
public record TrainingConfig(long seed, int hidden, ActivationKind activation, int epochs, int batchSize,
                             double learningRate, double weightDecay, int temperatureSteps,
                             double temperatureLearningRate, double activationBound, double logitBound,
                             double rangePenalty) {

    public TrainingConfig {
        if (!(activationBound > 0 && logitBound > 0 && rangePenalty >= 0)) {
            throw new IllegalArgumentException("range bounds must be positive and the range penalty >= 0");
        }
    }

    public static TrainingConfig defaults() {
        return new TrainingConfig(42, 32, ActivationKind.GELU, 40, 64, 1e-3, 3e-2, 400, 0.02, 1.25, 5.5, 1.0);
    }

    /** The same configuration with other range bounds and penalty weight. */
    public TrainingConfig withRangePenalty(double activationBound, double logitBound, double rangePenalty) {
        return new TrainingConfig(seed, hidden, activation, epochs, batchSize, learningRate, weightDecay,
                temperatureSteps, temperatureLearningRate, activationBound, logitBound, rangePenalty);
    }
}
