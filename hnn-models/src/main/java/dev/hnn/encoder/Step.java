package dev.hnn.encoder;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * One step of the encrypted encoder on the live {@link Registers}: a name (for timings, errors and the per-step
 * error table), the levels it consumes from the lowest live ciphertext when all its inputs start at one level (the
 * case right after a refresh; from mixed levels it may consume fewer), a rough cost per prime of its input level
 * (every operation's cost grows with the number of primes; used by {@link RefreshPlacement#COST}), the work, and,
 * where it is far from the usual few, the number of ciphertexts live before it ({@code liveBefore}, 0: a few): what a
 * refresh there would carry, which the placement needs before a first run has counted it (a bootstrap of the
 * attention's score diagonals costs tokens times a bootstrap).
 */
record Step(String name, int levels, double costPerPrime, int liveBefore, Consumer<Registers> run) {
  /** Cost weight of the cheap steps (LayerNorm pieces, polynomials on few ciphertexts). */
  static final double LIGHT = 0.01;

  Step {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(run, "run");
    if (levels < 0) throw new IllegalArgumentException("negative levels");
    if (!(costPerPrime >= 0)) throw new IllegalArgumentException("cost must be non-negative");
    if (liveBefore < 0) throw new IllegalArgumentException("negative live count");
  }

  Step(String name, int levels, double costPerPrime, Consumer<Registers> run) {
    this(name, levels, costPerPrime, 0, run);
  }

  Step(String name, int levels, Consumer<Registers> run) {
    this(name, levels, LIGHT, run);
  }
}
