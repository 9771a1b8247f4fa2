package dev.hnn.ckks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * An encrypted vector of real numbers of any length, in the spirit of TenSEAL's CKKSVector: values beyond one
 * ciphertext's N/2 slots spread over several ciphertexts ("chunks") transparently. Every operation returns a
 * new vector (close it, or let the {@link java.lang.ref.Cleaner} free it).
 *
 * <pre>{@code
 * try (CkksContext ctx = CkksContext.builder(CkksParameters.preset(Depth.D4)).powerOfTwoRotations().build();
 *      CkksVector v = CkksVector.encrypt(ctx, new double[] {1, 2, 3});
 *      CkksVector w = v.mul(v).add(1.5);              // (x^2 + 1.5), relinearized and rescaled
 *      CkksVector s = w.dot(new double[] {1, 1, 1})) {
 *   double total = s.decrypt()[0];                   // 2 + 3.5 + 5.5 ... up to CKKS noise
 * }
 * }</pre>
 *
 * <h2>Levels and scales</h2>
 *
 * In the default automatic mode, products are relinearized and rescaled, and operands are brought to a common
 * level and scale before they are combined, all without approximation: every result at level l has the scale
 * s_l that the context assigns to l (s_L = the default scale, s_(l-1) = s_l^2 / q_l, the scale a product of
 * two level-l ciphertexts lands on after rescaling). Plaintext and scalar factors are encoded at the scale that
 * lands the product exactly on s_(l-1); an operand at a higher level is brought down by multiplying it by the
 * constant 1 encoded at a suitable scale and rescaling, which costs nothing in depth (that operand had the level
 * to spare). Each multiplication by a ciphertext, plaintext vector or non-integer scalar uses one level;
 * multiplication by an integer uses none. {@link #setAutoRelinearize}, {@link #setAutoRescale} and
 * {@link #setAutoAlign} turn the automation off for {@link #add}, {@link #sub}, {@link #mul} and
 * {@link #square}, leaving {@link #relinearize()}, {@link #rescale()} and {@link #modSwitchTo(int)} to the
 * caller; the composite operations ({@link #dot}, {@link #sum()}, {@link #polyval}, {@link #matmul},
 * {@link #rotate(int)}) always manage levels themselves.
 *
 * <h2>Padding</h2>
 *
 * Slots beyond the vector's length are zero after encryption and after every operation except {@link #sum()}
 * and {@link #dot} (whose results hold partial sums there). Operations that need zero padding ({@link #sum()},
 * {@link #rotate(int)}, {@link #matmul} on short vectors) multiply by a 0/1 mask first when needed, which costs
 * one level.
 *
 * <h2>Keys</h2>
 *
 * {@link #sum()} and {@link #dot} need rotations by powers of two
 * ({@link CkksContext.Builder#powerOfTwoRotations()}); {@link #matmul} needs the steps of
 * {@link #matmulRotationSteps(int, int, int)}; {@link #rotate(int)} those of
 * {@link #rotateRotationSteps(int, int, int)}.
 *
 * <p>Not thread-safe for concurrent mutation of one vector (the explicit-control setters, {@link #close()});
 * concurrent reads (using one vector as an operand from several threads) are safe.
 */
public final class CkksVector implements AutoCloseable {
  private static final int MAGIC = 0x484e4e56; // "HNNV"
  private static final int VERSION = 1;
  private static final double SCALE_TOLERANCE = 1e-9;

  private final CkksContext ctx;
  private final int size;
  private final Ciphertext[] chunks;
  /** Whether slots beyond the length (in the last chunk) are known to be zero. */
  private final boolean clean;

  private boolean autoRelin = true;
  private boolean autoRescale = true;
  private boolean autoAlign = true;

  private CkksVector(CkksContext ctx, int size, Ciphertext[] chunks, boolean clean) {
    this.ctx = ctx;
    this.size = size;
    this.chunks = chunks;
    this.clean = clean;
  }

  private CkksVector derived(Ciphertext[] cs, int newSize, boolean newClean) {
    CkksVector v = new CkksVector(ctx, newSize, cs, newClean);
    v.autoRelin = autoRelin;
    v.autoRescale = autoRescale;
    v.autoAlign = autoAlign;
    return v;
  }

  // ------------------------------------------------------------------------------------------ creation

  /**
   * Encrypts {@code values} (finite, at least one) with the context's public key at the top level and default
   * scale; more than N/2 values take several ciphertexts.
   */
  public static CkksVector encrypt(CkksContext ctx, double[] values) {
    Objects.requireNonNull(ctx, "context");
    Objects.requireNonNull(values, "values");
    if (values.length == 0) throw new IllegalArgumentException("cannot encrypt an empty vector");
    Encoder.checkValues(values, "values", Integer.MAX_VALUE);
    int slots = ctx.slotCount();
    int n = (values.length + slots - 1) / slots;
    Ciphertext[] cs = new Ciphertext[n];
    try {
      for (int i = 0; i < n; i++) {
        double[] part = Arrays.copyOfRange(values, i * slots, Math.min(values.length, (i + 1) * slots));
        cs[i] = ctx.encryptor().encrypt(part);
      }
    } catch (RuntimeException e) {
      closeAll(cs);
      throw e;
    }
    return new CkksVector(ctx, values.length, cs, true);
  }

  /** Wraps copies of ciphertexts (all at one level and scale) as a vector of {@code size} values. */
  public static CkksVector of(CkksContext ctx, int size, Ciphertext... ciphertexts) {
    Objects.requireNonNull(ctx, "context");
    Objects.requireNonNull(ciphertexts, "ciphertexts");
    int slots = ctx.slotCount();
    if (size < 1 || (size + slots - 1) / slots != ciphertexts.length)
      throw new IllegalArgumentException(
          ciphertexts.length + " ciphertexts of " + slots + " slots cannot hold exactly " + size + " values");
    Ciphertext[] cs = new Ciphertext[ciphertexts.length];
    try {
      for (int i = 0; i < cs.length; i++) {
        ctx.checkOwn(ciphertexts[i], "ciphertexts[" + i + "]");
        cs[i] = ciphertexts[i].copy();
        if (cs[i].level() != cs[0].level() || !sameScale(cs[i].scale(), cs[0].scale()) || cs[i].size() != cs[0].size())
          throw new IncompatibleObjectsException("the ciphertexts of a vector must share level, scale and size");
      }
    } catch (RuntimeException e) {
      closeAll(cs);
      throw e;
    }
    return new CkksVector(ctx, size, cs, false);
  }

  // ------------------------------------------------------------------------------------------ accessors

  /** Number of values. */
  public int size() {
    return size;
  }

  /** Number of ciphertexts holding the values. */
  public int chunkCount() {
    return chunks.length;
  }

  public CkksContext context() {
    return ctx;
  }

  /** Level of the ciphertexts (all chunks share it). */
  public int level() {
    return chunks[0].level();
  }

  /** Scale of the ciphertexts (all chunks share it). */
  public double scale() {
    return chunks[0].scale();
  }

  /** A copy of chunk i (values [i * N/2, (i + 1) * N/2)). */
  public Ciphertext ciphertext(int i) {
    Objects.checkIndex(i, chunks.length);
    return chunks[i].copy();
  }

  /** Decrypts (needs a context with the secret key, else {@link MissingKeyException}). */
  public double[] decrypt() {
    Decryptor d = ctx.decryptor();
    double[] out = new double[size];
    int slots = ctx.slotCount();
    for (int i = 0; i < chunks.length; i++) {
      int len = chunkLength(i);
      double[] part = d.decryptValues(chunks[i], len);
      System.arraycopy(part, 0, out, i * slots, len);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------ explicit control

  public boolean isAutoRelinearize() {
    return autoRelin;
  }

  public boolean isAutoRescale() {
    return autoRescale;
  }

  public boolean isAutoAlign() {
    return autoAlign;
  }

  /** Whether {@link #mul} and {@link #square} relinearize (default true). Results inherit the setting. */
  public CkksVector setAutoRelinearize(boolean on) {
    this.autoRelin = on;
    return this;
  }

  /** Whether {@link #mul} and {@link #square} rescale (default true). Results inherit the setting. */
  public CkksVector setAutoRescale(boolean on) {
    this.autoRescale = on;
    return this;
  }

  /**
   * Whether {@link #add}, {@link #sub} and {@link #mul} bring operands to a common level and scale (default
   * true). Off: operands must already agree, else {@link IncompatibleObjectsException}.
   */
  public CkksVector setAutoAlign(boolean on) {
    this.autoAlign = on;
    return this;
  }

  /** Turns all three automations on or off. */
  public CkksVector setAuto(boolean on) {
    return setAutoRelinearize(on).setAutoRescale(on).setAutoAlign(on);
  }

  /** Relinearizes every chunk (a no-op for size-2 ciphertexts). */
  public CkksVector relinearize() {
    return map(c -> ev().relinearize(c), clean);
  }

  /** Rescales every chunk: level - 1, scale / q_level. */
  public CkksVector rescale() {
    return map(c -> ev().rescale(c), clean);
  }

  /** Drops levels without dividing (scale unchanged). */
  public CkksVector modSwitchTo(int level) {
    ctx.checkLevel(level);
    return map(c -> ev().modSwitchTo(c, level), clean);
  }

  /**
   * A copy brought exactly to a lower level and a given scale (one scalar multiplication by 1 and a rescale,
   * when the level must drop): what automatic alignment does.
   */
  public CkksVector adjustTo(int level, double scale) {
    ctx.checkLevel(level);
    Encoder.checkScale(scale);
    return map(c -> adjusted(c, level, scale), clean);
  }

  // ------------------------------------------------------------------------------------------ arithmetic

  /** Element-wise sum with a vector of the same length. */
  public CkksVector add(CkksVector other) {
    return combine(other, false);
  }

  /** Element-wise difference with a vector of the same length. */
  public CkksVector sub(CkksVector other) {
    return combine(other, true);
  }

  /** Adds plain values (same length). */
  public CkksVector add(double[] values) {
    return plainAdd(values, false);
  }

  public CkksVector sub(double[] values) {
    return plainAdd(values, true);
  }

  /** Adds a constant to every element (no level used). */
  public CkksVector add(double value) {
    Encoder.checkFinite(value, "value");
    return addConstant(value);
  }

  public CkksVector sub(double value) {
    Encoder.checkFinite(value, "value");
    return addConstant(-value);
  }

  public CkksVector neg() {
    return map(c -> ev().negate(c), clean);
  }

  /** Element-wise product with a vector of the same length (one level). */
  public CkksVector mul(CkksVector other) {
    checkSameShape(other);
    if (other == this) return square();
    int[] target = alignment(other);
    return binaryChunks(other, target, (a, b) -> product(a, b), clean && other.clean);
  }

  /** this * this (one level). */
  public CkksVector square() {
    return map(c -> product(c, c), clean);
  }

  /** Element-wise product with plain values of the same length (one level). */
  public CkksVector mul(double[] values) {
    checkPlainValues(values);
    return mapIndexed((i, c) -> plainProduct(c, slice(values, i), autoRescale), clean);
  }

  /**
   * Multiplies every element by a constant: an integer value uses no level; any other value uses one.
   */
  public CkksVector mul(double value) {
    Encoder.checkFinite(value, "value");
    if (value == Math.rint(value) && Math.abs(value) <= (1 << 20))
      return map(c -> ev().multiplyInteger(c, (long) value), clean);
    return map(c -> scalarProduct(c, value, autoRescale), clean);
  }

  /**
   * Sum of all elements, as a vector of length 1 (needs power-of-two rotations; the other slots hold partial
   * sums).
   */
  public CkksVector sum() {
    return rotateAndSum(needsMask() ? maskedChunks() : null);
  }

  /** Inner product with a vector of the same length, as a vector of length 1 (one level, plus rotations). */
  public CkksVector dot(CkksVector other) {
    try (CkksVector p = autoView().mul(other)) {
      return p.sum();
    }
  }

  /** Inner product with plain values of the same length, as a vector of length 1 (one level). */
  public CkksVector dot(double[] values) {
    try (CkksVector p = autoView().mul(values)) {
      return p.sum();
    }
  }

  /**
   * Cyclic rotation of the vector's values left by {@code steps} (negative: right): element i of the result is
   * element (i + steps) mod length. Free when the vector fills exactly one ciphertext; otherwise one level (two
   * masked rotations). Single-ciphertext vectors only.
   */
  public CkksVector rotate(int steps) {
    if (chunks.length != 1)
      throw new UnsupportedOperationException("rotate() supports vectors of at most " + ctx.slotCount() + " values");
    int k = Math.floorMod(steps, size);
    int slots = ctx.slotCount();
    if (k == 0) return map(Ciphertext::copy, clean);
    if (size == slots) return map(c -> ev().rotate(c, k), true);
    Ciphertext c = chunks[0];
    int level = c.level();
    if (level == 0) throw new DepthExhaustedException("rotate: no level left for the masking multiplication");
    double pscale = plainScaleFor(c);
    Ciphertext[] rot = ev().rotateHoisted(c, k, k - size);
    double[] m1 = new double[slots];
    double[] m2 = new double[slots];
    Arrays.fill(m1, 0, size - k, 1.0);
    Arrays.fill(m2, size - k, size, 1.0);
    try (Plaintext p1 = enc().encode(m1, pscale, level); Plaintext p2 = enc().encode(m2, pscale, level)) {
      Ciphertext r = ev().multiplyPlainAccumulate(rot, new Plaintext[] {p1, p2});
      rescaleOrClose(r);
      return derived(new Ciphertext[] {r}, size, true);
    } finally {
      closeAll(rot);
    }
  }

  /**
   * Evaluates the polynomial c_0 + c_1 x + ... + c_d x^d element-wise (coefficients finite; trailing zeros
   * ignored). Powers are built by a balanced product tree, so the depth is ceil(log2 d) + 1 levels.
   */
  public CkksVector polyval(double[] coeffs) {
    Objects.requireNonNull(coeffs, "coefficients");
    Encoder.checkValues(coeffs, "coefficients", Integer.MAX_VALUE);
    if (coeffs.length == 0) throw new IllegalArgumentException("a polynomial needs at least one coefficient");
    int d = coeffs.length - 1;
    while (d > 0 && coeffs[d] == 0) d--;
    if (d == 0) {
      try (CkksVector zero = mul(0.0)) {
        return zero.add(coeffs[0]);
      }
    }
    if (d > 1024) throw new IllegalArgumentException("polynomial degree " + d + " exceeds 1024");
    CkksVector base = autoView();
    CkksVector[] pow = new CkksVector[d + 1];
    pow[1] = base;
    try {
      for (int k = 2; k <= d; k++) {
        int hi = Integer.highestOneBit(k);
        pow[k] = hi == k ? pow[k / 2].square() : pow[hi].mul(pow[k - hi]);
      }
      int target = Integer.MAX_VALUE;
      for (int k = 1; k <= d; k++) if (coeffs[k] != 0) target = Math.min(target, pow[k].level() - 1);
      if (target < 0)
        throw new DepthExhaustedException(
            "polyval: a degree-" + d + " polynomial needs " + (32 - Integer.numberOfLeadingZeros(d - 1) + 1)
                + " levels, the vector has " + level());
      double tscale = ctx.levelScales[target];
      Ciphertext[] acc = new Ciphertext[chunks.length];
      try {
        for (int k = 1; k <= d; k++) {
          if (coeffs[k] == 0) continue;
          for (int i = 0; i < chunks.length; i++) {
            Ciphertext t = scaledTerm(pow[k].chunks[i], coeffs[k], target, tscale);
            if (acc[i] == null) acc[i] = t;
            else {
              ev().addInPlace(acc[i], t);
              t.close();
            }
          }
        }
      } catch (RuntimeException e) {
        closeAll(acc);
        throw e;
      }
      CkksVector r = derived(acc, size, clean);
      if (coeffs[0] == 0) return r;
      try (CkksVector tmp = r) {
        return tmp.addConstant(coeffs[0]);
      }
    } finally {
      for (int k = 2; k <= d; k++) if (pow[k] != null) pow[k].close();
    }
  }

  /**
   * Vector-matrix product with a plain matrix of {@code size()} rows and m columns: result_j = sum_i v_i
   * M[i][j]. Diagonal method with baby-step/giant-step rotations (the baby steps hoisted) and the fused
   * multiply-accumulate; one level. Keys: {@link #matmulRotationSteps(int, int, int)}.
   */
  public CkksVector matmul(double[][] matrix) {
    Objects.requireNonNull(matrix, "matrix");
    if (matrix.length != size)
      throw new IllegalArgumentException("matrix has " + matrix.length + " rows, the vector " + size + " values");
    int m = -1;
    for (int i = 0; i < matrix.length; i++) {
      Objects.requireNonNull(matrix[i], "matrix row " + i);
      if (m < 0) m = matrix[i].length;
      if (matrix[i].length != m) throw new IllegalArgumentException("matrix rows differ in length (row " + i + ")");
      Encoder.checkValues(matrix[i], "matrix row " + i, Integer.MAX_VALUE);
    }
    if (m < 1) throw new IllegalArgumentException("matrix has no columns");
    int slots = ctx.slotCount();
    int d = dimension(slots, size, m);
    int b = babySteps(d);
    int g = d / b;
    int inChunks = chunks.length;
    int outChunks = (m + slots - 1) / slots;
    boolean replicate = d < slots;

    // inputs: replicated (short vectors) or as they are; masked first if the padding must be zero
    Ciphertext[] in = new Ciphertext[inChunks];
    List<Ciphertext> temps = new ArrayList<>();
    try {
      Ciphertext[] src = chunks;
      if (replicate && !clean) {
        src = maskedChunks();
        temps.addAll(Arrays.asList(src));
      }
      for (int c = 0; c < inChunks; c++) {
        if (replicate) {
          try (Ciphertext r = ev().rotate(src[c], -d)) {
            in[c] = ev().add(src[c], r);
          }
          temps.add(in[c]);
        } else {
          in[c] = src[c];
        }
      }
      int level = in[0].level();
      if (level == 0) throw new DepthExhaustedException("matmul: no level left for the plaintext multiplication");
      double pscale = plainScaleFor(in[0]);
      // baby steps, hoisted, per input chunk
      int[] babies = new int[b];
      for (int t = 0; t < b; t++) babies[t] = t;
      Ciphertext[][] rot = new Ciphertext[inChunks][];
      for (int c = 0; c < inChunks; c++) {
        rot[c] = ev().rotateHoisted(in[c], babies);
        temps.addAll(Arrays.asList(rot[c]));
      }
      Ciphertext[] out = new Ciphertext[outChunks];
      try {
        for (int r = 0; r < outChunks; r++) {
          Ciphertext acc = null;
          for (int k = 0; k < g; k++) {
            List<Ciphertext> cts = new ArrayList<>();
            List<Plaintext> pts = new ArrayList<>();
            try {
              for (int c = 0; c < inChunks; c++) {
                for (int t = 0; t < b; t++) {
                  double[] diag = rotatedDiagonal(matrix, c * slots, r * slots, d, k * b + t, k * b, slots, m);
                  if (diag == null) continue;
                  pts.add(enc().encode(diag, pscale, level));
                  cts.add(rot[c][t]);
                }
              }
              if (cts.isEmpty()) continue;
              Ciphertext inner = ev().multiplyPlainAccumulate(cts, pts);
              if (k > 0) {
                try (Ciphertext tmp = inner) {
                  inner = ev().rotate(tmp, k * b);
                }
              }
              if (acc == null) acc = inner;
              else {
                ev().addInPlace(acc, inner);
                inner.close();
              }
            } finally {
              for (Plaintext p : pts) p.close();
            }
          }
          if (acc == null) { // an all-zero block: an encryption of zero at the right level and scale
            acc = ev().multiplyInteger(in[0], 0);
            ev().multiplyScalarInPlace(acc, 0.0, pscale);
          }
          ev().rescaleInPlace(acc);
          out[r] = acc;
        }
      } catch (RuntimeException e) {
        closeAll(out);
        throw e;
      }
      return derived(out, m, true);
    } finally {
      for (Ciphertext t : temps) t.close();
    }
  }

  // ------------------------------------------------------------------------------------------ keys needed

  /** Rotation steps {@link #matmul} needs for a vector of n values and a matrix of m columns. */
  public static int[] matmulRotationSteps(int slots, int n, int m) {
    if (slots < 2 || Integer.bitCount(slots) != 1) throw new IllegalArgumentException("slots must be a power of two");
    if (n < 1 || m < 1) throw new IllegalArgumentException("dimensions must be positive");
    int d = dimension(slots, n, m);
    int b = babySteps(d);
    TreeSet<Integer> s = new TreeSet<>();
    for (int t = 1; t < b; t++) s.add(t);
    for (int k = 1; k < d / b; k++) s.add(k * b);
    if (d < slots) s.add(-d);
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Rotation steps {@link #rotate(int)} needs for a vector of n values rotated by {@code steps}. */
  public static int[] rotateRotationSteps(int slots, int n, int steps) {
    if (n < 1 || n > slots) throw new IllegalArgumentException("n must be in [1, slots]");
    int k = Math.floorMod(steps, n);
    if (k == 0) return new int[0];
    if (n == slots) return new int[] {k};
    return new int[] {k, k - n};
  }

  // ------------------------------------------------------------------------------------------ serialization

  public byte[] serialize() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    save(out);
    return out.toByteArray();
  }

  /** Writes "HNNV", version, length, chunk count, flags, the chunks (length-prefixed), and a CRC-32. */
  public void save(OutputStream out) {
    Objects.requireNonNull(out, "out");
    try {
      CheckedOutputStream checked = new CheckedOutputStream(out, new CRC32());
      DataOutputStream d = new DataOutputStream(checked);
      d.writeInt(MAGIC);
      d.writeShort(VERSION);
      d.writeInt(size);
      d.writeInt(chunks.length);
      d.writeByte(clean ? 1 : 0);
      for (Ciphertext c : chunks) {
        byte[] b = c.serialize();
        d.writeLong(b.length);
        d.write(b);
      }
      d.flush();
      new DataOutputStream(out).writeInt((int) checked.getChecksum().getValue());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static CkksVector load(CkksContext ctx, byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    CkksVector v = load(ctx, in);
    if (in.available() != 0) {
      v.close();
      throw new CorruptDataException("trailing bytes after the serialized vector");
    }
    return v;
  }

  /** Reads exactly one serialized vector; validates everything ({@link CorruptDataException}). */
  public static CkksVector load(CkksContext ctx, InputStream in) {
    Objects.requireNonNull(ctx, "context");
    Objects.requireNonNull(in, "in");
    Ciphertext[] cs = null;
    try {
      CheckedInputStream checked = new CheckedInputStream(in, new CRC32());
      DataInputStream d = new DataInputStream(checked);
      int size, count;
      boolean clean;
      try {
        if (d.readInt() != MAGIC) throw new CorruptDataException("not a serialized CKKS vector (bad magic)");
        int version = d.readUnsignedShort();
        if (version != VERSION) throw new CorruptDataException("unsupported vector format version " + version);
        size = d.readInt();
        count = d.readInt();
        int flags = d.readUnsignedByte();
        if ((flags & ~1) != 0) throw new CorruptDataException("unknown vector flags " + flags);
        clean = flags == 1;
      } catch (EOFException e) {
        throw new CorruptDataException("serialized vector is truncated", e);
      }
      int slots = ctx.slotCount();
      if (size < 1 || count < 1 || (size + (long) slots - 1) / slots != count)
        throw new CorruptDataException("vector length " + size + " does not match its " + count + " ciphertexts");
      cs = new Ciphertext[count];
      for (int i = 0; i < count; i++) {
        byte[] b = Blobs.readPrefixed(d, "ciphertext " + i);
        cs[i] = Ciphertext.load(ctx, b);
        if (cs[i].level() != cs[0].level() || !sameScale(cs[i].scale(), cs[0].scale()) || cs[i].size() != cs[0].size())
          throw new CorruptDataException("the ciphertexts of a vector disagree in level, scale or size");
      }
      int expected = (int) checked.getChecksum().getValue();
      int stored;
      try {
        stored = new DataInputStream(in).readInt();
      } catch (EOFException e) {
        throw new CorruptDataException("serialized vector is truncated before its checksum", e);
      }
      if (stored != expected) throw new CorruptDataException("serialized vector: checksum mismatch (altered data)");
      return new CkksVector(ctx, size, cs, clean);
    } catch (IOException e) {
      closeAll(cs);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      closeAll(cs);
      throw e;
    }
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  public boolean isClosed() {
    return chunks[0].isClosed();
  }

  @Override
  public void close() {
    closeAll(chunks);
  }

  @Override
  public String toString() {
    if (isClosed()) return "CkksVector{closed}";
    return "CkksVector{size=" + size + ", chunks=" + chunks.length + ", level=" + level() + ", scale=2^"
        + Math.round(Math.log(scale()) / Math.log(2) * 100) / 100.0 + "}";
  }

  // ------------------------------------------------------------------------------------------ internals

  private Evaluator ev() {
    return ctx.evaluator();
  }

  private Encoder enc() {
    return ctx.encoder();
  }

  private int chunkLength(int i) {
    int slots = ctx.slotCount();
    return Math.min(slots, size - i * slots);
  }

  private double[] slice(double[] values, int i) {
    int slots = ctx.slotCount();
    return Arrays.copyOfRange(values, i * slots, i * slots + chunkLength(i));
  }

  private static boolean sameScale(double a, double b) {
    return Math.abs(a / b - 1) <= SCALE_TOLERANCE;
  }

  private static void closeAll(Ciphertext[] cs) {
    if (cs == null) return;
    for (Ciphertext c : cs) if (c != null) c.close();
  }

  /**
   * This vector with every automation on, sharing its ciphertexts (never close the view): the operand of
   * composite operations.
   */
  private CkksVector autoView() {
    return new CkksVector(ctx, size, chunks, clean);
  }

  private interface ChunkOp {
    Ciphertext apply(Ciphertext c);
  }

  private interface IndexedChunkOp {
    Ciphertext apply(int i, Ciphertext c);
  }

  private interface PairOp {
    Ciphertext apply(Ciphertext a, Ciphertext b);
  }

  private CkksVector map(ChunkOp op, boolean resultClean) {
    return mapIndexed((i, c) -> op.apply(c), resultClean);
  }

  private CkksVector mapIndexed(IndexedChunkOp op, boolean resultClean) {
    Ciphertext[] out = new Ciphertext[chunks.length];
    try {
      for (int i = 0; i < chunks.length; i++) out[i] = op.apply(i, chunks[i]);
    } catch (RuntimeException e) {
      closeAll(out);
      throw e;
    }
    return derived(out, size, resultClean);
  }

  private void checkSameShape(CkksVector other) {
    Objects.requireNonNull(other, "other vector");
    if (other.ctx != ctx) ctx.checkOwn(other.chunks[0], "other vector");
    if (other.size != size)
      throw new IllegalArgumentException("vector lengths differ: " + size + " and " + other.size);
  }

  private void checkPlainValues(double[] values) {
    Objects.requireNonNull(values, "values");
    if (values.length != size)
      throw new IllegalArgumentException("expected " + size + " values, got " + values.length);
    Encoder.checkValues(values, "values", Integer.MAX_VALUE);
  }

  /**
   * The common (level, scale) of two vectors as {level, -1} (keep the scale of the lower operand) or
   * {level, 1} (use the context's scale of that level: equal levels with different scales spend one level).
   */
  private int[] alignment(CkksVector other) {
    int la = level();
    int lb = other.level();
    if (!autoAlign) return null;
    if (la != lb) return new int[] {Math.min(la, lb), la < lb ? 0 : 1};
    if (sameScale(scale(), other.scale())) return new int[] {la, 0};
    if (la == 0)
      throw new DepthExhaustedException(
          "operands at level 0 have different scales and no level is left to align them");
    return new int[] {la - 1, 2};
  }

  /** Applies op chunk-wise after automatic alignment (target from {@link #alignment}). */
  private CkksVector binaryChunks(CkksVector other, int[] target, PairOp op, boolean resultClean) {
    Ciphertext[] out = new Ciphertext[chunks.length];
    try {
      for (int i = 0; i < chunks.length; i++) {
        Ciphertext a = chunks[i];
        Ciphertext b = other.chunks[i];
        if (target == null) {
          out[i] = op.apply(a, b);
          continue;
        }
        int level = target[0];
        double s =
            target[1] == 0 ? a.scale() : target[1] == 1 ? b.scale() : ctx.levelScales[level];
        Ciphertext aa = a.level() == level && sameScale(a.scale(), s) ? null : adjusted(a, level, s);
        Ciphertext bb = b.level() == level && sameScale(b.scale(), s) ? null : adjusted(b, level, s);
        try {
          out[i] = op.apply(aa == null ? a : aa, bb == null ? b : bb);
        } finally {
          if (aa != null) aa.close();
          if (bb != null) bb.close();
        }
      }
    } catch (RuntimeException e) {
      closeAll(out);
      throw e;
    }
    return derived(out, size, resultClean);
  }

  private CkksVector combine(CkksVector other, boolean subtract) {
    checkSameShape(other);
    int[] target = alignment(other);
    return binaryChunks(
        other, target, (a, b) -> subtract ? ev().sub(a, b) : ev().add(a, b), clean && other.clean);
  }

  /** A new ciphertext equal to c at a lower (or equal) level and the given scale, exactly. */
  private Ciphertext adjusted(Ciphertext c, int level, double scale) {
    int l = c.level();
    double s = c.scale();
    if (l == level) {
      if (sameScale(s, scale)) return c.copy();
      throw new IncompatibleObjectsException(
          "cannot change the scale of a ciphertext without spending a level (at level " + l + ")");
    }
    if (l < level) throw new IllegalArgumentException("cannot raise a ciphertext from level " + l + " to " + level);
    Ciphertext r = c.copy();
    try {
      if (sameScale(s, scale)) {
        ev().modSwitchToInPlace(r, level);
        return r;
      }
      ev().multiplyScalarInPlace(r, 1.0, scale * ctx.primes[l] / s);
      ev().rescaleInPlace(r);
      if (r.level() > level) ev().modSwitchToInPlace(r, level);
      return r;
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  /** Plaintext scale that lands c * p exactly on the context's scale of the next level after rescaling. */
  private double plainScaleFor(Ciphertext c) {
    int l = c.level();
    if (l == 0) throw new DepthExhaustedException("no level left for a multiplication (the vector is at level 0)");
    return ctx.levelScales[l - 1] * ctx.primes[l] / c.scale();
  }

  private Ciphertext product(Ciphertext a, Ciphertext b) {
    if (autoRelin && autoRescale) return ev().multiplyRelinRescale(a, b);
    Ciphertext r = ev().multiply(a, b);
    try {
      if (autoRelin) ev().relinearizeInPlace(r);
      if (autoRescale) ev().rescaleInPlace(r);
      return r;
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  private Ciphertext plainProduct(Ciphertext c, double[] values, boolean rescale) {
    double pscale = plainScaleFor(c);
    try (Plaintext p = enc().encode(values, pscale, c.level())) {
      Ciphertext r = ev().multiplyPlain(c, p);
      if (rescale) rescaleOrClose(r);
      return r;
    }
  }

  private Ciphertext scalarProduct(Ciphertext c, double value, boolean rescale) {
    double pscale = plainScaleFor(c);
    Ciphertext r = ev().multiplyScalar(c, value, pscale);
    if (rescale) rescaleOrClose(r);
    return r;
  }

  private void rescaleOrClose(Ciphertext r) {
    try {
      ev().rescaleInPlace(r);
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  /** value * x, landed exactly on (level, scale) by a scalar multiplication, a rescale and mod switching. */
  private Ciphertext scaledTerm(Ciphertext x, double value, int level, double scale) {
    int l = x.level();
    Ciphertext r = ev().multiplyScalar(x, value, scale * ctx.primes[l] / x.scale());
    try {
      ev().rescaleInPlace(r);
      if (r.level() > level) ev().modSwitchToInPlace(r, level);
      return r;
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  private CkksVector plainAdd(double[] values, boolean subtract) {
    checkPlainValues(values);
    return mapIndexed(
        (i, c) -> {
          try (Plaintext p = enc().encode(slice(values, i), c.scale(), c.level())) {
            return subtract ? ev().subPlain(c, p) : ev().addPlain(c, p);
          }
        },
        clean);
  }

  /** Adds a constant to the vector's elements only (padding stays as it was). */
  private CkksVector addConstant(double value) {
    int slots = ctx.slotCount();
    return mapIndexed(
        (i, c) -> {
          int len = chunkLength(i);
          if (len == slots) return ev().addScalar(c, value);
          double[] v = new double[len];
          Arrays.fill(v, value);
          try (Plaintext p = enc().encode(v, c.scale(), c.level())) {
            return ev().addPlain(c, p);
          }
        },
        clean);
  }

  private boolean needsMask() {
    return !clean && size % ctx.slotCount() != 0;
  }

  /** The chunks multiplied by 0/1 masks of their lengths (one level): zero padding, canonical scale. */
  private Ciphertext[] maskedChunks() {
    Ciphertext[] out = new Ciphertext[chunks.length];
    try {
      for (int i = 0; i < chunks.length; i++) {
        double[] ones = new double[chunkLength(i)];
        Arrays.fill(ones, 1.0);
        out[i] = plainProduct(chunks[i], ones, true);
      }
    } catch (RuntimeException e) {
      closeAll(out);
      throw e;
    }
    return out;
  }

  /** Adds the chunks (given, or this vector's) and sums their slots by rotations; result length 1. */
  private CkksVector rotateAndSum(Ciphertext[] given) {
    Ciphertext[] src = given != null ? given : chunks;
    int slots = ctx.slotCount();
    int span = src.length > 1 ? slots : size == 1 ? 1 : Integer.highestOneBit(size - 1) << 1;
    for (int s = 1; s < span; s <<= 1) {
      if (!ctx.hasRotationKey(s))
        throw new MissingKeyException(
            "sum() needs rotations by powers of two (missing " + s + "): build the context with powerOfTwoRotations()");
    }
    Ciphertext acc = src[0].copy();
    try {
      for (int i = 1; i < src.length; i++) ev().addInPlace(acc, src[i]);
      for (int s = 1; s < span; s <<= 1) {
        try (Ciphertext r = ev().rotate(acc, s)) {
          ev().addInPlace(acc, r);
        }
      }
    } catch (RuntimeException e) {
      acc.close();
      throw e;
    } finally {
      if (given != null) closeAll(given);
    }
    return derived(new Ciphertext[] {acc}, 1, span == 1 && (given != null || clean));
  }

  /** Diagonal dimension: a power of two holding both sizes for one short chunk, else the slot count. */
  private static int dimension(int slots, int n, int m) {
    if (n <= slots && m <= slots) {
      int d = Integer.highestOneBit(Math.max(n, m));
      if (d < Math.max(n, m)) d <<= 1;
      return Math.min(d, slots);
    }
    return slots;
  }

  private static int babySteps(int d) {
    int log = Integer.numberOfTrailingZeros(d);
    return 1 << ((log + 1) / 2);
  }

  /**
   * Diagonal i of the (rowOff, colOff) d x d block of the matrix, rotated right by {@code shift} into a slot
   * vector: p[shift + j] = M[rowOff + (j + i) mod d][colOff + j]. Null if all zero.
   */
  private static double[] rotatedDiagonal(
      double[][] matrix, int rowOff, int colOff, int d, int i, int shift, int slots, int m) {
    double[] p = new double[slots];
    boolean any = false;
    for (int j = 0; j < d; j++) {
      int row = rowOff + (j + i) % d;
      int col = colOff + j;
      if (row >= matrix.length || col >= m) continue;
      double v = matrix[row][col];
      if (v != 0) {
        p[(shift + j) % slots] = v;
        any = true;
      }
    }
    return any ? p : null;
  }
}
