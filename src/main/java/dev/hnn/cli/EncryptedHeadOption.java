package dev.hnn.cli;

import dev.hnn.head.HeadFile;
import dev.hnn.inference.Approximation;
import dev.hnn.inference.HeadCircuit;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;

/** The head and the polynomial degrees of its encrypted circuit (shared by the commands that need the spec). */
final class EncryptedHeadOption {
    @Mixin
    HeadOption headOption;

    @Option(names = "--activation-degree", paramLabel = "D", defaultValue = "12",
            description = "Degree of the activation polynomial (default: ${DEFAULT-VALUE}).")
    int activationDegree;

    @Option(names = "--sigmoid-degree", paramLabel = "D", defaultValue = "27",
            description = "Degree of the soft-argmax sigmoid polynomial (default: ${DEFAULT-VALUE}).")
    int sigmoidDegree;

    HeadFile.Loaded loaded;

    HeadFile.Loaded loaded() throws IOException {
        if (loaded == null) {
            loaded = headOption.load();
        }
        return loaded;
    }

    HeadCircuit circuit() throws IOException {
        Approximation d = Approximation.DEFAULT;
        return HeadCircuit.of(loaded(), new Approximation(activationDegree, d.activationMargin(), sigmoidDegree,
                d.sigmoidMargin()));
    }
}
