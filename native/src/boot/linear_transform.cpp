#include "hnn/boot/linear_transform.h"

#include <algorithm>
#include <set>
#include <string>

#include "hnn/util/errors.h"

namespace hnn::boot {

Diagonals multiply_diagonals(const Diagonals& a, const Diagonals& b, std::size_t period) {
  // (AB)[i][i + da + db] += A[i][i + da] B[i + da][i + da + db].
  Diagonals out;
  for (const auto& [da, va] : a) {
    for (const auto& [db, vb] : b) {
      auto& o = out[(da + db) % period];
      if (o.empty()) o.assign(period, 0.0);
      for (std::size_t i = 0; i < period; ++i) o[i] += va[i] * vb[(i + da) % period];
    }
  }
  return out;
}

std::size_t LinearTransform::choose_baby_stride(const Diagonals& diagonals, std::size_t period) {
  // The stride (a power of two) that needs the fewest rotations, babies + giants; ties go to the smaller
  // stride (fewer hoisted babies means fewer plaintexts rotated per giant step and less key material).
  std::size_t best = 1, best_cost = ~std::size_t{0};
  for (std::size_t stride = 1; stride <= period; stride <<= 1) {
    std::set<std::size_t> babies, giants;
    for (const auto& d : diagonals) {
      babies.insert(d.first % stride);
      giants.insert(d.first - d.first % stride);
    }
    const std::size_t cost = babies.size() - babies.count(0) + giants.size() - giants.count(0);
    if (cost < best_cost) {
      best_cost = cost;
      best = stride;
    }
  }
  return best;
}

std::vector<long long> LinearTransform::steps_for(const Diagonals& diagonals, std::size_t period) {
  const std::size_t stride = choose_baby_stride(diagonals, period);
  std::set<long long> steps;
  for (const auto& d : diagonals) {
    const std::size_t b = d.first % stride, g = d.first - b;
    if (b != 0) steps.insert(static_cast<long long>(b));
    if (g != 0) steps.insert(static_cast<long long>(g));
  }
  return {steps.begin(), steps.end()};
}

LinearTransform::LinearTransform(const CkksEncoder& encoder, const Diagonals& diagonals, std::size_t period,
                                 std::size_t level, double plain_scale, bool cache_plaintexts)
    : encoder_(encoder), period_(period), level_(level), diag_count_(diagonals.size()), plain_scale_(plain_scale) {
  const std::size_t slots = encoder.slot_count();
  if (period == 0 || slots % period != 0)
    throw InvalidArgumentError("linear transform: the period must divide the slot count");
  if (diagonals.empty()) throw InvalidArgumentError("linear transform: no diagonals");
  const std::size_t stride = choose_baby_stride(diagonals, period);
  std::map<std::size_t, std::vector<std::size_t>> by_giant;  // giant -> diagonals
  std::set<long long> babies;
  for (const auto& d : diagonals) {
    if (d.second.size() != period) throw InvalidArgumentError("linear transform: a diagonal has the wrong length");
    by_giant[d.first - d.first % stride].push_back(d.first);
    babies.insert(static_cast<long long>(d.first % stride));
  }
  baby_steps_.assign(babies.begin(), babies.end());
  for (const auto& [g, ds] : by_giant) {
    Giant giant;
    giant.step = static_cast<long long>(g);
    for (std::size_t d : ds) {
      // rot_{-g}(diag_d).
      const auto& diag = diagonals.at(d);
      std::vector<std::complex<double>> v(period);
      for (std::size_t j = 0; j < period; ++j) v[j] = diag[(j + period - g % period) % period];
      giant.babies.push_back(static_cast<long long>(d - g));
      if (cache_plaintexts) {
        giant.plains.emplace_back();
        encode(v, giant.plains.back());
      } else {
        giant.diags.push_back(std::move(v));
      }
    }
    giants_.push_back(std::move(giant));
  }
  steps_ = steps_for(diagonals, period);
}

void LinearTransform::encode(const std::vector<std::complex<double>>& diag, Plaintext& out) const {
  // The period's values repeated over the N/2 slots.
  std::vector<std::complex<double>> v(encoder_.slot_count());
  for (std::size_t j = 0; j < v.size(); ++j) v[j] = diag[j % period_];
  encoder_.encode(v, plain_scale_, level_, out);
}

std::size_t LinearTransform::byte_count() const {
  std::size_t bytes = 0;
  for (const auto& g : giants_) {
    for (const auto& p : g.plains) bytes += p.word_count() * sizeof(std::uint64_t);
    for (const auto& d : g.diags) bytes += d.size() * sizeof(std::complex<double>);
  }
  return bytes;
}

void LinearTransform::apply(const CkksEvaluator& evaluator, const Ciphertext& in, const GaloisKeys& gk,
                            Ciphertext& out) const {
  if (in.level() != level_)
    throw InvalidArgumentError("linear transform: the ciphertext is at level " + std::to_string(in.level()) +
                               ", the transform was prepared for level " + std::to_string(level_));
  // Baby steps: one lift of c_1 shared by every rotation.
  std::vector<Ciphertext> rotated;
  evaluator.rotate_hoisted(in, baby_steps_, gk, rotated);
  std::map<long long, const Ciphertext*> by_step;
  for (std::size_t k = 0; k < baby_steps_.size(); ++k) by_step[baby_steps_[k]] = &rotated[k];
  Ciphertext sum, inner;
  bool first = true;
  for (const Giant& g : giants_) {
    std::vector<const Ciphertext*> cts;
    std::vector<const Plaintext*> pts;
    std::vector<Plaintext> encoded(g.plains.empty() ? g.babies.size() : 0);
    for (std::size_t k = 0; k < g.babies.size(); ++k) {
      cts.push_back(by_step.at(g.babies[k]));
      if (g.plains.empty()) encode(g.diags[k], encoded[k]);
      pts.push_back(g.plains.empty() ? &encoded[k] : &g.plains[k]);
    }
    evaluator.multiply_plain_accumulate(cts, pts, inner);
    if (g.step != 0) evaluator.rotate_inplace(inner, g.step, gk);
    if (first) {
      sum = std::move(inner);
      first = false;
    } else {
      evaluator.add_inplace(sum, inner);
    }
  }
  out = std::move(sum);
}

}  // namespace hnn::boot
