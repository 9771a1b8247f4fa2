package dev.hnn.encoder;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.refresh.Refresher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The server's side: every layer and the head for one length bucket L, on ciphertexts, with refreshes by the key
 * holder (client-aided) or by bootstrapping, as its {@link RefreshModel} says. Before each step it plans the rest of
 * the run from the lowest live level (each step's levels as if all its inputs started at one level, an upper bound)
 * by the {@link RefreshPlacement} (LevelPlanner's fewest refreshes, or the least estimated time) and, when the plan
 * says so, refreshes all live ciphertexts below the planned level to it (one round trip, or several if they exceed a
 * frame) or drops them all to a lower level before the step. A refresh is possible only at the model's reserve or
 * above (client-aided: the lowest level whose modulus holds the mask for {@code valueBound}); the levels below it
 * are used only by the last steps. Inputs above the model's top level are dropped to it first.
 */
public final class EncoderCircuit implements AutoCloseable {
  /** Called after each step with the live registers (tests decrypt them to compare with the plaintext forward). */
  interface StepListener {
    void afterStep(String step, Registers registers);
  }

  private final CkksContext ctx;
  private final int tokens;
  private final List<EncryptedEncoderLayer> layers;
  private final EncryptedHead head;
  private final double valueBound;
  private final int top;
  private final int reserve;
  private final RefreshPlacement placement;
  private final RefreshPlacement.RefreshCost refreshCost;
  /** Live ciphertexts before each step, as seen by the last run (what a refresh there carries); 4 before any. */
  private int[] live;

  /**
   * @param ctx the server's (public) context, with the keys of {@link #rotationSteps}
   * @param valueBound bound on every live slot value at a refresh point (sizes the mask, or the division before a
   *     bootstrap)
   * @param lnTolerance relative error of LayerNorm's inverse square root on the widened variance ranges
   * @param lnWiden factor on each side by which the variance ranges are widened
   * @param headDegree degree of the head activation's fit
   * @param refresh where refreshes go to and come from, and their cost
   */
  EncoderCircuit(CkksContext ctx, List<HeForm> forms, HeadSpec headSpec, CircuitRanges ranges, int tokens,
      double valueBound, double lnTolerance, double lnWiden, int headDegree, RefreshPlacement placement,
      RefreshModel refresh) {
    this.placement = Objects.requireNonNull(placement, "placement");
    this.refreshCost = refresh.cost();
    this.ctx = Objects.requireNonNull(ctx, "context");
    if (refresh.top() > ctx.maxLevel())
      throw new IllegalArgumentException("refreshes to level " + refresh.top() + " above the top level "
          + ctx.maxLevel());
    if (forms.isEmpty()) throw new IllegalArgumentException("an encoder needs at least one layer");
    if (ranges.layers().size() != forms.size())
      throw new IllegalArgumentException(ranges.layers().size() + " layer ranges for " + forms.size() + " layers");
    this.tokens = tokens;
    this.valueBound = valueBound;
    this.top = refresh.top();
    this.reserve = refresh.reserve();
    checkRotationKeys(forms.get(0), headSpec);
    List<EncryptedEncoderLayer> ls = new ArrayList<>();
    double[] gain = null, shift = null;
    for (int i = 0; i < forms.size(); i++) {
      EncryptedEncoderLayer l = new EncryptedEncoderLayer(ctx, forms.get(i), ranges.layers().get(i), tokens, i,
          gain, shift, lnTolerance, lnWiden);
      ls.add(l);
      gain = l.outputGain();
      shift = l.outputShift();
    }
    this.layers = List.copyOf(ls);
    this.head = new EncryptedHead(ctx, headSpec, tokens, gain, shift, ranges.headPreActivation(), headDegree);
    // Fails now, with the step named, if some step needs more levels than a refresh gives.
    plan(1, null);
  }

  /** Rotation keys for an encoder of this shape at bucket L. */
  public static int[] rotationSteps(int slots, int tokens, int hidden, int heads, int width, int intermediate,
      int headHidden) {
    return IntStream.concat(
            IntStream.of(EncryptedEncoderLayer.rotationSteps(slots, tokens, hidden, heads, width, intermediate)),
            IntStream.of(EncryptedHead.rotationSteps(slots, tokens, hidden, headHidden)))
        .distinct().sorted().toArray();
  }

  public int refreshReserve() {
    return reserve;
  }

  /** The highest level the circuit computes at (what a refresh brings ciphertexts to). */
  public int topLevel() {
    return top;
  }

  /** Every rotation the circuit makes must have a key serving the levels it computes at (up to the top). */
  private void checkRotationKeys(HeForm first, HeadSpec headSpec) {
    for (int step : rotationSteps(ctx.slotCount(), tokens, first.hidden(), first.heads(), first.headWidth(),
        first.intermediate(), headSpec.b1().length)) {
      int level = ctx.rotationKeyLevel(step);
      if (level < top)
        throw new IllegalArgumentException(level < 0 ? "the keys lack the rotation key for step " + step
            : "the rotation key for step " + step + " serves levels up to " + level + ", the circuit computes up to "
                + top);
    }
  }

  public List<EncryptedEncoderLayer> layers() {
    return layers;
  }

  int tokens() {
    return tokens;
  }

  double headFitError() {
    return head.activationFitError();
  }

  /** All steps for {@code valid} real tokens, each layer's followed by releasing its encoded weights. */
  private List<Step> allSteps(int valid) {
    List<Step> s = new ArrayList<>();
    for (EncryptedEncoderLayer l : layers) {
      s.addAll(l.steps(valid));
      s.add(new Step("release " + s.get(s.size() - 1).name().split(" ")[0], 0, r -> l.release()));
    }
    s.addAll(head.steps(valid));
    return s;
  }

  /** The refresh points of a run from fresh inputs: the names of the steps preceded by a refresh. */
  public List<String> plannedRefreshes(int valid) {
    return plan(valid, null);
  }

  /**
   * Simulates the placement from fresh inputs (every step consuming its full levels): the steps preceded by a
   * refresh, with the level it goes to when that is not the top ("name@level"), and those before which the live
   * ciphertexts are dropped to a lower level ("name (drop to l)").
   */
  private List<String> plan(int valid, Void unused) {
    List<Step> steps = allSteps(valid);
    int[] counts = liveCounts(steps);
    List<String> points = new ArrayList<>();
    int level = top;
    for (int i = 0; i < steps.size(); i++) {
      RefreshPlacement.Decision d = placement.decide(steps, i, level, top, reserve, refreshCost, counts);
      if (d.refresh()) points.add(steps.get(i).name() + (d.refreshTo() == top ? "" : "@" + d.refreshTo()));
      else if (d.runAt() < level) points.add(steps.get(i).name() + " (drop to " + d.runAt() + ")");
      level = d.runAt() - steps.get(i).levels();
    }
    return points;
  }

  /** The last run's live counts; before any, the steps' own estimates, else 4. */
  private int[] liveCounts(List<Step> steps) {
    if (live != null && live.length == steps.size()) return live.clone();
    return steps.stream().mapToInt(st -> st.liveBefore() > 0 ? st.liveBefore() : 4).toArray();
  }

  /**
   * Runs on the client's input (the L x hidden matrix's ciphertexts, in the layout of layer 0, at any level) for
   * {@code valid} real tokens; returns the logit difference's ciphertext (slot 0), owned by the caller.
   */
  Ciphertext run(Ciphertext[] input, int valid, Refresher refresher, Map<String, Long> timings,
      List<String> refreshPoints, StepListener listener) {
    return run(input, valid, refresher, timings, refreshPoints, listener, Long.MAX_VALUE);
  }

  /** Input ciphertexts the circuit takes (the L x hidden matrix in layer 0's layout). */
  int inputCiphertexts() {
    return dev.hnn.transformer.TokenLayout.featureMajor(ctx.slotCount(), tokens, layers.get(0).hidden()).ciphertexts();
  }

  /** As above; a refresh carrying more than {@code maxRefreshBytes} of ciphertexts is split into round trips. */
  Ciphertext run(Ciphertext[] input, int valid, Refresher refresher, Map<String, Long> timings,
      List<String> refreshPoints, StepListener listener, long maxRefreshBytes) {
    if (input.length != inputCiphertexts())
      throw new IllegalArgumentException("the circuit takes " + inputCiphertexts() + " input ciphertexts, got "
          + input.length);
    List<Step> steps = allSteps(valid);
    try (Registers regs = new Registers()) {
      Ciphertext[] in = new Ciphertext[input.length];
      for (int i = 0; i < in.length; i++) in[i] = input[i].copy();
      regs.put("z", in);
      int[] counts = liveCounts(steps);
      int[] seen = new int[steps.size()];
      for (int i = 0; i < steps.size(); i++) {
        Step step = steps.get(i);
        int level = Math.min(regs.minLevel(), top);
        seen[i] = regs.count();
        counts[i] = seen[i];
        RefreshPlacement.Decision d = placement.decide(steps, i, level, top, reserve, refreshCost, counts);
        if (d.refresh()) {
          long t0 = System.nanoTime();
          regs.refresh(refresher, d.refreshTo(), valueBound, maxRefreshBytes);
          timings.merge("refresh before " + step.name(), System.nanoTime() - t0, Long::sum);
          refreshPoints.add(step.name() + (d.refreshTo() == top ? "" : "@" + d.refreshTo()));
        }
        // Also brings inputs above the top level down to it.
        regs.dropTo(d.runAt());
        long t0 = System.nanoTime();
        try {
          step.run().accept(regs);
        } catch (RuntimeException e) {
          throw new IllegalStateException("step '" + step.name() + "' failed: " + e.getMessage(), e);
        }
        timings.merge(step.name(), System.nanoTime() - t0, Long::sum);
        if (listener != null) listener.afterStep(step.name(), regs);
      }
      live = seen;
      return regs.take("logit")[0];
    } finally {
      layers.forEach(EncryptedEncoderLayer::release);
      head.release();
    }
  }

  @Override
  public void close() {
    layers.forEach(EncryptedEncoderLayer::close);
    head.close();
  }

  static Map<String, Long> newTimings() {
    return new LinkedHashMap<>();
  }
}
