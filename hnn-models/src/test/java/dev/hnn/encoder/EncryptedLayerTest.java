package dev.hnn.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.nn.Matrix;
import dev.hnn.transformer.TokenLayout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Every intermediate of the encrypted layers (2-layer small model, a sentence of 11 tokens in bucket 16) against
 * the plaintext HE-form forward in doubles, on the real tokens and features; the layer outputs also against the
 * model's own float forward. Prints the per-step table (level after the step, max |error|, max |expected|,
 * relative) and asserts each step's relative error within {@link #STEP_TOL}.
 */
class EncryptedLayerTest {
  /** 2^40 scale with N = 4096: ~1e-9 per op; the inverse square root's 1e-4 design tolerance dominates after LN. */
  static final double STEP_TOL = 2e-3;

  record Row(String step, int level, double err, double max) {}

  @Test
  void everyStepMatchesThePlaintextForward() {
    TransformerEncoder model = SmallModel.random(7, 2, true);
    HeadSpec head = SmallModel.head(8);
    CircuitRanges ranges = EncryptedEncoder.measureRanges(model, head, SmallModel.sentences(9, 12, 3, 16));
    int[] ids = SmallModel.sentences(10, 1, 11, 11).get(0);
    try (CkksContext keys = SmallModel.context(model, head, 16);
        EncryptedEncoder enc = new EncryptedEncoder(model, head, ranges, keys,
            EncryptedEncoder.Options.defaults().withBuckets(16))) {
      double[][] x = EncryptedEncoder.toDouble(model.embeddings().forward(ids));
      PlainTrace trace = enc.plainTrace(x);
      EncoderCircuit circuit = enc.circuit(16);
      List<Row> rows = new ArrayList<>();
      EncoderCircuit.StepListener listener = (step, regs) -> {
        Row r = compare(keys, circuit, trace, step, regs, ids.length);
        if (r != null) rows.add(r);
      };
      EncryptedEncoder.Result res = enc.classify(x, listener);
      System.out.printf("%-28s %5s %12s %12s %12s%n", "step", "level", "max |err|", "max |exp|", "relative");
      for (Row r : rows)
        System.out.printf("%-28s %5d %12.3e %12.3e %12.3e%n", r.step, r.level, r.err, r.max, r.err / r.max);
      System.out.println("refresh points: " + res.stats().refreshPoints());
      System.out.print(res.stats().table());
      assertEquals(2 * 10, rows.size(), "one row per compared step");
      for (Row r : rows) assertTrue(r.err / r.max <= STEP_TOL, r.step + ": relative error " + r.err / r.max);

      // The layer outputs against the model's float forward (the HE form is exact apart from LN's 1/sqrt).
      Matrix ref = model.forward(ids);
      double[][] last = trace.layers().get(1).tokens().get("ln2");
      double err = 0, max = 0;
      for (int t = 0; t < ids.length; t++)
        for (int i = 0; i < SmallModel.HIDDEN; i++) {
          err = Math.max(err, Math.abs(last[t][i] - ref.get(t, i)));
          max = Math.max(max, Math.abs(ref.get(t, i)));
        }
      assertTrue(err / max < 1e-4, "double reference vs float model: " + err / max);
      double plain = head.probability(head.logit(trace.pooled()));
      assertEquals(plain, res.probability(), 0.01);
    }
  }

  /** The register(s) a step leaves, decrypted and compared with the trace; null for steps not compared. */
  static Row compare(CkksContext keys, EncoderCircuit circuit, PlainTrace trace, String step, Registers regs, int n) {
    String[] parts = step.split(" ", 2);
    if (!parts[0].startsWith("L")) return null;
    int layer = Integer.parseInt(parts[0].substring(1));
    String what = parts[1];
    PlainTrace.Layer t = trace.layers().get(layer);
    int slots = keys.slotCount(), L = circuit.tokens();
    TokenLayout x = TokenLayout.featureMajor(slots, L, SmallModel.HIDDEN);
    TokenLayout h = TokenLayout.headInterleaved(slots, L, SmallModel.HEADS, 32);
    TokenLayout u = TokenLayout.featureMajor(slots, L, SmallModel.FFN);
    EncryptedEncoderLayer el = circuit.layers().get(layer);
    Map<String, double[][]> got = new LinkedHashMap<>();
    Map<String, double[][]> exp = new LinkedHashMap<>();
    int level;
    switch (what) {
      case "qkv" -> {
        double[][] q = t.tokens().get("q");
        double[][] qs = new double[n][];
        for (int i = 0; i < n; i++) {
          qs[i] = q[i].clone();
          for (int j = 0; j < qs[i].length; j++) qs[i][j] /= Math.sqrt(32);
        }
        exp.put("q", qs);
        exp.put("k", t.tokens().get("k"));
        exp.put("v", t.tokens().get("v"));
        for (String k : List.of("q", "k", "v")) got.put(k, decrypt(keys, h, regs.get(k)));
        level = regs.get("q")[0].level();
      }
      case "scores", "weights" -> {
        String reg = what.equals("scores") ? "s" : "a";
        double[][][] ref = what.equals("scores") ? t.scores() : t.weights();
        Ciphertext[] d = regs.get(reg);
        List<double[]> g = new ArrayList<>(), e = new ArrayList<>();
        for (int delta = 0; delta < L; delta++) {
          double[] v = keys.decryptor().decryptValues(d[delta]);
          for (int head = 0; head < SmallModel.HEADS; head++)
            for (int tok = 0; tok < n; tok++) {
              int key = (tok + delta) % L;
              if (key >= n) continue;
              g.add(new double[] {v[head * L + tok] / (reg.equals("s") ? el.scoreFactor(n) : 1)});
              e.add(new double[] {ref[head][tok][key]});
            }
        }
        got.put(reg, g.toArray(new double[0][]));
        exp.put(reg, e.toArray(new double[0][]));
        level = d[0].level();
      }
      case "attend" -> {
        got.put("o", decrypt(keys, h, regs.get("o")));
        exp.put("o", t.tokens().get("attend"));
        level = regs.get("o")[0].level();
      }
      case "output+residual" -> {
        got.put("r", decrypt(keys, x, regs.get("r")));
        exp.put("r", t.tokens().get("attention+residual"));
        level = regs.get("r")[0].level();
      }
      case "ln1 normalize", "ln2 normalize" -> {
        boolean first = what.startsWith("ln1");
        String reg = first ? "z1" : "z";
        double[][] z = decrypt(keys, x, regs.get(reg));
        double[] gain = first ? el.ln1Gain() : el.outputGain();
        double[] shift = first ? el.ln1Shift() : el.outputShift();
        double[][] ln = new double[n][SmallModel.HIDDEN];
        for (int tok = 0; tok < n; tok++)
          for (int i = 0; i < SmallModel.HIDDEN; i++) ln[tok][i] = z[tok][i] * gain[i] + shift[i];
        got.put(reg, ln);
        exp.put(reg, t.tokens().get(first ? "ln1" : "ln2"));
        level = regs.get(reg)[0].level();
      }
      case "ffn up" -> {
        double[][] un = decrypt(keys, u, regs.get("u"));
        CircuitRanges.Interval a = el.activationInterval();
        for (double[] row : un) for (int j = 0; j < row.length; j++) row[j] = (row[j] * (a.hi() - a.lo()) + a.lo() + a.hi()) / 2;
        got.put("u", un);
        exp.put("u", t.tokens().get("ffn up"));
        level = regs.get("u")[0].level();
      }
      case "activation" -> {
        double[][] act = decrypt(keys, u, regs.get("act"));
        double[] map = el.activationOutputMap();
        for (double[] row : act) for (int j = 0; j < row.length; j++) row[j] = row[j] * map[0] + map[1];
        got.put("act", act);
        exp.put("act", t.tokens().get("activation"));
        level = regs.get("act")[0].level();
      }
      case "ffn down+residual" -> {
        got.put("r2", decrypt(keys, x, regs.get("r2")));
        exp.put("r2", t.tokens().get("ffn down+residual"));
        level = regs.get("r2")[0].level();
      }
      default -> {
        return null;
      }
    }
    double err = 0, max = 0;
    for (String k : exp.keySet()) {
      double[][] e = exp.get(k), g = got.get(k);
      for (int i = 0; i < e.length; i++)
        for (int j = 0; j < e[i].length; j++) {
          err = Math.max(err, Math.abs(e[i][j] - g[i][j]));
          max = Math.max(max, Math.abs(e[i][j]));
        }
    }
    return new Row(step, level, err, max);
  }

  static double[][] decrypt(CkksContext keys, TokenLayout layout, Ciphertext[] cts) {
    double[][] v = new double[cts.length][];
    for (int i = 0; i < cts.length; i++) v[i] = keys.decryptor().decryptValues(cts[i]);
    return layout.unpack(v);
  }
}
