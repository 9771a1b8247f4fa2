package dev.hnn.encoder;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * One step of the encrypted encoder on the live {@link Registers}: a name (for timings, errors and the per-step
 * error table), the levels it consumes from the lowest live ciphertext when all its inputs start at one level (the
 * case right after a refresh; from mixed levels it may consume fewer), a rough cost per prime of its input level
 * (every operation's cost grows with the number of primes; used by {@link RefreshPlacement#COST}), and the work.
 */
record Step(String name, int levels, double costPerPrime, Consumer<Registers> run) {
  /** Cost weight of the cheap steps (LayerNorm pieces, polynomials on few ciphertexts). */
  static final double LIGHT = 0.01;

  Step {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(run, "run");
    if (levels < 0) throw new IllegalArgumentException("negative levels");
    if (!(costPerPrime >= 0)) throw new IllegalArgumentException("cost must be non-negative");
  }

  Step(String name, int levels, Consumer<Registers> run) {
    this(name, levels, LIGHT, run);
  }
}
