// Which limbs a key-switching key holds. A key serving levels up to l holds the digits in use at level l and, of
// each, the limbs of q_0 .. q_l and of the special primes (KeySwitchKey): the key generator, the serializer and
// the key switcher agree on that shape through these functions.
#pragma once
#include <cstddef>
#include <vector>

#include "hnn/rlwe/context.h"
#include "hnn/rlwe/keys.h"

namespace hnn {

/// The primes (indices into ctx.primes()) a key-switching key serving levels up to `level` holds, in its limb
/// order: q_0 .. q_level, then the special primes.
std::vector<std::size_t> switch_key_primes(const Context& ctx, std::size_t level);
/// Zeroed storage of a key-switching key serving levels up to `level` (<= the top level): the digits in use there,
/// the limbs of switch_key_primes.
void shape_switch_key(const Context& ctx, std::size_t level, KeySwitchKey& key);
/// The highest level `key` serves; throws IncompatibleObjectsError if its shape is not one of the context's.
std::size_t switch_key_level(const Context& ctx, const KeySwitchKey& key);

}  // namespace hnn
