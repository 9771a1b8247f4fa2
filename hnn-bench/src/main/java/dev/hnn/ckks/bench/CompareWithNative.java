package dev.hnn.ckks.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Java API overhead against the native bench: alternates rounds of {@code hnn_bench} (median of each op) and of
 * {@link CkksOpsBenchmark} (p0.50 of each op) on the same N and thread count, keeps each side's best round (the
 * least disturbed by other load), and prints {@code op,native_us,java_us,overhead_percent}.
 *
 * <pre>
 * mvn -B -P benchmarks -DskipTests verify -Djmh.main=dev.hnn.ckks.bench.CompareWithNative \
 *     -Djmh.args="target/native/native/bench/hnn_bench 16384 1 3"
 * </pre>
 *
 * Arguments: path of hnn_bench, N, engine threads, rounds.
 */
public final class CompareWithNative {
  static final String[] OPS = {
    "encode", "decode", "encrypt_public", "encrypt_symmetric", "decrypt", "add", "multiply_plain", "multiply",
    "relinearize", "rescale", "mul_relin_rescale", "rotate_1"
  };

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: CompareWithNative HNN_BENCH N [THREADS [ROUNDS]]");
      System.exit(2);
    }
    String bench = args[0];
    int n = Integer.parseInt(args[1]);
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Map<String, Double> nat = new LinkedHashMap<>();
    Map<String, Double> java = new LinkedHashMap<>();
    for (int r = 1; r <= rounds; r++) {
      System.out.println("== round " + r + " of " + rounds + ": hnn_bench");
      best(nat, runNative(bench, n, threads));
      System.out.println("== round " + r + " of " + rounds + ": JMH");
      best(java, runJmh(n, threads));
    }
    System.out.println();
    System.out.println("N=" + n + ", threads=" + threads + ", best of " + rounds + " rounds");
    System.out.println("op,native_us,java_us,overhead_percent");
    for (String op : OPS) {
      Double a = nat.get(op);
      Double b = java.get(op);
      if (a == null || b == null) continue;
      System.out.printf("%s,%.1f,%.1f,%+.1f%n", op, a, b, 100 * (b / a - 1));
    }
  }

  static void best(Map<String, Double> acc, Map<String, Double> round) {
    round.forEach((k, v) -> acc.merge(k, v, Math::min));
  }

  static Map<String, Double> runNative(String bench, int n, int threads) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(bench, "--n", "" + n, "--threads", "" + threads, "--no-sizes", "--ops", String.join(",", OPS)));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Map<String, Double> out = new LinkedHashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        System.out.println(line);
        String[] f = line.split(",");
        if (f.length == 4 && f[0].equals("" + n)) out.put(f[1], Double.parseDouble(f[3]));
      }
    }
    if (p.waitFor() != 0) throw new IllegalStateException("hnn_bench failed");
    return out;
  }

  static Map<String, Double> runJmh(int n, int threads) throws Exception {
    Options opt =
        new OptionsBuilder()
            .include(CkksOpsBenchmark.class.getName() + ".*")
            .param("n", "" + n)
            .param("threads", "" + threads)
            .warmupIterations(2)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(3)
            .measurementTime(TimeValue.seconds(1))
            .forks(1)
            .build();
    Map<String, Double> out = new LinkedHashMap<>();
    for (RunResult rr : new Runner(opt).run()) {
      String label = rr.getParams().getBenchmark();
      String op = label.substring(label.lastIndexOf('.') + 1);
      out.put(op, rr.getPrimaryResult().getStatistics().getPercentile(50));
    }
    return out;
  }
}
