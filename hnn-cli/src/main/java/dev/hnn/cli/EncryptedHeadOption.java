package dev.hnn.cli;

import dev.hnn.head.HeadFile;
import dev.hnn.head.SentimentModel;
import dev.hnn.inference.Approximation;
import dev.hnn.inference.HeadCircuit;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;

/** The model, its head and the polynomial degrees of the head's encrypted circuit (for the commands that need them). */
final class EncryptedHeadOption {
    @Mixin
    ModelOption modelOption;

    @Option(names = "--activation-degree", paramLabel = "D",
            description = "Degree of the activation polynomial (default: the lowest whose error bound is at most "
                    + Approximation.ACTIVATION_TOLERANCE + ", up to " + Approximation.ACTIVATION_MAX_DEGREE + ").")
    Integer activationDegree;

    @Option(names = "--sigmoid-degree", paramLabel = "D",
            description = "Degree of the soft-argmax sigmoid polynomial (default: the lowest whose error bound is at "
                    + "most " + Approximation.SIGMOID_TOLERANCE + ", up to " + Approximation.SIGMOID_MAX_DEGREE + ").")
    Integer sigmoidDegree;

    SentimentModel model() throws IOException {
        return modelOption.load();
    }

    /** The model for the encrypted encoder: the HE-friendly one unless another was chosen. */
    SentimentModel heModel() throws IOException {
        return modelOption.load(SentimentModel.HE_FRIENDLY);
    }

    HeadFile.Loaded loaded() throws IOException {
        return model().head();
    }

    HeadCircuit circuit() throws IOException {
        Approximation d = Approximation.DEFAULT;
        return HeadCircuit.of(loaded(), new Approximation(
                activationDegree == null ? d.activation() : d.activation().withDegree(activationDegree),
                sigmoidDegree == null ? d.sigmoid() : d.sigmoid().withDegree(sigmoidDegree)));
    }
}
