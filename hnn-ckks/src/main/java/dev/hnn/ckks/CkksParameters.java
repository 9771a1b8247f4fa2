package dev.hnn.ckks;

import dev.hnn.ckks.presets.HnnNative;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * CKKS encryption parameters: ring degree N (N/2 slots), the bit sizes of the coefficient-modulus primes
 * (data primes first, the first one q_0 largest; the last {@link #specialPrimeCount()} ones are special
 * primes used only by key switching), the default encoding scale, and the security level the parameters are
 * checked against. Immutable and thread-safe.
 *
 * <pre>{@code
 * CkksParameters p = CkksParameters.preset(Depth.D4);               // 128-bit secure presets
 * CkksParameters q = CkksParameters.builder()
 *     .polyDegree(16384).coeffModulusBits(60, 40, 40, 40, 40, 40, 40, 60).specialPrimes(1).scaleBits(40)
 *     .build();                                                    // checked against the 128-bit bound
 * }</pre>
 */
public final class CkksParameters {
  private static final int MAGIC = 0x484e4e50; // "HNNP"
  private static final int VERSION = 1;

  private final int polyDegree;
  private final int[] bits;
  private final int specialPrimes;
  private final double scale;
  private final SecurityLevel security;

  private CkksParameters(Builder b) {
    this.polyDegree = b.polyDegree;
    this.bits = b.bits.clone();
    this.specialPrimes = b.specialPrimes;
    this.scale = b.scale;
    this.security = b.security;
  }

  /** A builder with no defaults except one special prime, scale 2^40 and 128-bit security. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialized with these parameters. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.polyDegree = polyDegree;
    b.bits = bits.clone();
    b.specialPrimes = specialPrimes;
    b.scale = scale;
    b.security = security;
    return b;
  }

  /** The 128-bit secure preset for a multiplicative depth (see {@link Depth} for the table). */
  public static CkksParameters preset(Depth depth) {
    Objects.requireNonNull(depth, "depth");
    int[] b = new int[1 + depth.depth + depth.specialPrimes];
    Arrays.fill(b, 40);
    b[0] = 60;
    for (int i = 0; i < depth.specialPrimes; i++) b[b.length - 1 - i] = 60;
    return builder()
        .polyDegree(depth.polyDegree)
        .coeffModulusBits(b)
        .specialPrimes(depth.specialPrimes)
        .scaleBits(40)
        .build();
  }

  /** The largest total modulus bit count the HE Standard allows at 128-bit security for this N (0 if none). */
  public static int maxSecureModulusBits(int polyDegree) {
    Native.ensureLoaded();
    return HnnNative.max_bit_count(polyDegree);
  }

  public int polyDegree() {
    return polyDegree;
  }

  public int slotCount() {
    return polyDegree / 2;
  }

  /** Bit sizes of all primes: data primes, then special primes. */
  public int[] coeffModulusBits() {
    return bits.clone();
  }

  public int specialPrimeCount() {
    return specialPrimes;
  }

  public int dataPrimeCount() {
    return bits.length - specialPrimes;
  }

  /** The top level of a fresh ciphertext, which is also the number of rescalings available. */
  public int maxLevel() {
    return dataPrimeCount() - 1;
  }

  public int totalModulusBits() {
    int t = 0;
    for (int b : bits) t += b;
    return t;
  }

  /** Default scale for encoding. */
  public double scale() {
    return scale;
  }

  public SecurityLevel securityLevel() {
    return security;
  }

  // ------------------------------------------------------------------------------------------ serialization

  /** A small self-describing encoding ("HNNP", version, N, bit sizes, special primes, scale, security). */
  public byte[] serialize() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    save(bytes);
    return bytes.toByteArray();
  }

  public void save(OutputStream out) {
    Objects.requireNonNull(out, "out");
    try {
      DataOutputStream d = new DataOutputStream(out);
      d.writeInt(MAGIC);
      d.writeShort(VERSION);
      d.writeInt(polyDegree);
      d.writeShort(bits.length);
      for (int b : bits) d.writeByte(b);
      d.writeShort(specialPrimes);
      d.writeDouble(scale);
      d.writeByte(security.ordinal());
      d.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads and validates; throws {@link CorruptDataException} for anything but well-formed parameters. */
  public static CkksParameters load(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(bytes);
    CkksParameters p = load(in);
    if (in.available() != 0) throw new CorruptDataException("trailing bytes after the parameters");
    return p;
  }

  public static CkksParameters load(InputStream in) {
    Objects.requireNonNull(in, "in");
    try {
      DataInputStream d = new DataInputStream(in);
      if (d.readInt() != MAGIC) throw new CorruptDataException("not HNN CKKS parameters (bad magic)");
      int version = d.readUnsignedShort();
      if (version != VERSION) throw new CorruptDataException("unsupported parameters format version " + version);
      int n = d.readInt();
      int count = d.readUnsignedShort();
      if (count > 256) throw new CorruptDataException("implausible prime count " + count);
      int[] b = new int[count];
      for (int i = 0; i < count; i++) b[i] = d.readUnsignedByte();
      int special = d.readUnsignedShort();
      double scale = d.readDouble();
      int sec = d.readUnsignedByte();
      if (sec >= SecurityLevel.values().length) throw new CorruptDataException("unknown security level " + sec);
      try {
        return builder()
            .polyDegree(n)
            .coeffModulusBits(b)
            .specialPrimes(special)
            .scale(scale)
            .security(SecurityLevel.values()[sec])
            .build();
      } catch (IllegalArgumentException | InvalidParametersException e) {
        throw new CorruptDataException("serialized parameters are invalid: " + e.getMessage(), e);
      }
    } catch (java.io.EOFException e) {
      throw new CorruptDataException("parameters are truncated", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CkksParameters)) return false;
    CkksParameters p = (CkksParameters) o;
    return polyDegree == p.polyDegree
        && Arrays.equals(bits, p.bits)
        && specialPrimes == p.specialPrimes
        && Double.compare(scale, p.scale) == 0
        && security == p.security;
  }

  @Override
  public int hashCode() {
    return Objects.hash(polyDegree, Arrays.hashCode(bits), specialPrimes, scale, security);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("CkksParameters{N=").append(polyDegree).append(", bits=[");
    for (int i = 0; i < bits.length; i++) {
      if (i > 0) s.append(i == dataPrimeCount() ? " | " : ",");
      s.append(bits[i]);
    }
    s.append("], log2 Q=").append(totalModulusBits());
    s.append(", scale=2^").append(Math.round(Math.log(scale) / Math.log(2) * 100) / 100.0);
    s.append(", security=").append(security).append('}');
    return s.toString();
  }

  /** Builder of {@link CkksParameters}; {@link #build()} validates. */
  public static final class Builder {
    private int polyDegree;
    private int[] bits = new int[0];
    private int specialPrimes = 1;
    private double scale = Math.scalb(1.0, 40);
    private SecurityLevel security = SecurityLevel.CLASSICAL_128;

    private Builder() {}

    /** Ring degree N: a power of two (1024 ... 65536 for 128-bit security). */
    public Builder polyDegree(int n) {
      this.polyDegree = n;
      return this;
    }

    /** Bit sizes of the primes, data primes first (q_0 first), special primes last. */
    public Builder coeffModulusBits(int... bits) {
      this.bits = Objects.requireNonNull(bits, "bits").clone();
      return this;
    }

    /** Number of special (key-switching) primes at the end of the list; default 1. */
    public Builder specialPrimes(int count) {
      this.specialPrimes = count;
      return this;
    }

    /** Default encoding scale (finite, greater than 1). */
    public Builder scale(double scale) {
      this.scale = scale;
      return this;
    }

    /** Default encoding scale 2^bits. */
    public Builder scaleBits(int bits) {
      if (bits < 1 || bits > 100) throw new IllegalArgumentException("scale bits must be in [1, 100], got " + bits);
      this.scale = Math.scalb(1.0, bits);
      return this;
    }

    public Builder security(SecurityLevel level) {
      this.security = Objects.requireNonNull(level, "security level");
      return this;
    }

    /** Turns the security check off: for tests with toy parameters only. */
    public Builder insecureForTesting() {
      this.security = SecurityLevel.NONE;
      return this;
    }

    /**
     * Validates the shape of the parameters and, at {@link SecurityLevel#CLASSICAL_128}, the HE Standard bound.
     * Throws {@link IllegalArgumentException} for malformed values and {@link InvalidParametersException} for
     * parameters below the security level. Primes are chosen (and checked further) when a context is created.
     */
    public CkksParameters build() {
      if (polyDegree < 8 || polyDegree > (1 << 17) || Integer.bitCount(polyDegree) != 1)
        throw new IllegalArgumentException("poly degree must be a power of two in [8, 131072], got " + polyDegree);
      if (bits.length < 2)
        throw new IllegalArgumentException("need at least two primes (one data prime and one special prime)");
      for (int b : bits) {
        if (b < 2 || b > 61) throw new IllegalArgumentException("prime bit sizes must be in [2, 61], got " + b);
      }
      if (specialPrimes < 1 || specialPrimes >= bits.length)
        throw new IllegalArgumentException(
            "special prime count must be in [1, " + (bits.length - 1) + "], got " + specialPrimes);
      if (!(scale > 1) || !Double.isFinite(scale))
        throw new IllegalArgumentException("scale must be finite and greater than 1, got " + scale);
      CkksParameters p = new CkksParameters(this);
      if (security == SecurityLevel.CLASSICAL_128) {
        int max = maxSecureModulusBits(polyDegree);
        if (p.totalModulusBits() > max)
          throw new InvalidParametersException(
              "N="
                  + polyDegree
                  + " with a "
                  + p.totalModulusBits()
                  + "-bit modulus is below 128-bit security (the HE Standard allows at most "
                  + max
                  + " bits at this N): use fewer or smaller primes or a larger N");
      }
      return p;
    }
  }
}
