package dev.hnn.ckks;

/**
 * Named parameter presets by multiplicative depth: the number of rescalings (multiplications by a ciphertext,
 * plaintext or scalar in automatic mode) a fresh ciphertext can undergo. All presets use scale 2^40, a 60-bit
 * first prime (so decrypted values may reach about 2^19 in magnitude), 40-bit primes for the levels and 60-bit
 * special primes, and all fit the HE Standard's 128-bit classical bound; see {@link CkksParameters#preset}.
 *
 * <table>
 *   <caption>Presets</caption>
 *   <tr><th>preset</th><th>N</th><th>slots</th><th>data primes (bits)</th><th>special primes</th>
 *       <th>log2 Q</th><th>128-bit bound</th></tr>
 *   <tr><td>D2</td><td>8192</td><td>4096</td><td>60, 40 x 2</td><td>1 x 60</td><td>200</td><td>218</td></tr>
 *   <tr><td>D4</td><td>16384</td><td>8192</td><td>60, 40 x 4</td><td>2 x 60</td><td>340</td><td>438</td></tr>
 *   <tr><td>D6</td><td>16384</td><td>8192</td><td>60, 40 x 6</td><td>2 x 60</td><td>420</td><td>438</td></tr>
 *   <tr><td>D8</td><td>32768</td><td>16384</td><td>60, 40 x 8</td><td>2 x 60</td><td>500</td><td>881</td></tr>
 *   <tr><td>D12</td><td>32768</td><td>16384</td><td>60, 40 x 12</td><td>3 x 60</td><td>720</td><td>881</td></tr>
 *   <tr><td>D16</td><td>32768</td><td>16384</td><td>60, 40 x 16</td><td>2 x 60</td><td>820</td><td>881</td></tr>
 *   <tr><td>D24</td><td>65536</td><td>32768</td><td>60, 40 x 24</td><td>3 x 60</td><td>1200</td><td>1772</td></tr>
 * </table>
 *
 * <p>More special primes make key switching (relinearization, rotations) faster and keys smaller: data primes
 * are grouped into digits of as many primes as there are special primes.
 */
public enum Depth {
  D2(8192, 2, 1),
  D4(16384, 4, 2),
  D6(16384, 6, 2),
  D8(32768, 8, 2),
  D12(32768, 12, 3),
  D16(32768, 16, 2),
  D24(65536, 24, 3);

  final int polyDegree;
  final int depth;
  final int specialPrimes;

  Depth(int polyDegree, int depth, int specialPrimes) {
    this.polyDegree = polyDegree;
    this.depth = depth;
    this.specialPrimes = specialPrimes;
  }

  /** The number of rescalings the preset allows. */
  public int depth() {
    return depth;
  }

  /** The ring degree N of the preset (N/2 slots). */
  public int polyDegree() {
    return polyDegree;
  }
}
