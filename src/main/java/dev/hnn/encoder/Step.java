package dev.hnn.encoder;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * One step of the encrypted encoder on the live {@link Registers}: a name (for timings, errors and the per-step
 * error table), the levels it consumes from the lowest live ciphertext when all its inputs start at one level (the
 * case right after a refresh; from mixed levels it may consume fewer), and the work.
 */
record Step(String name, int levels, Consumer<Registers> run) {
  Step {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(run, "run");
    if (levels < 0) throw new IllegalArgumentException("negative levels");
  }
}
