// Every decoder of bytes that arrive from a peer or a file, fed random and
// mutated input: each must return a Status, never crash, hang or read out of
// bounds (run under ASan: make PRESET=asan test).
#define BOOST_TEST_MODULE robustness_test
#include <boost/test/unit_test.hpp>
#include <random>

#include "base/base64.h"
#include "base/hex.h"
#include "crypto/checkpoint.h"
#include "crypto/note.h"
#include "node/entry.h"
#include "node/federation/bundle.h"
#include "node/imei.h"
#include "node/merkle/compact_range.h"
#include "node/merkle/state_node.h"
#include "node/merkle/state_proof.h"
#include "tests/support/test_seed.h"

namespace imeisync {
namespace {

using node::merkle::StatePair;

// Random bytes, biased towards the characters the formats use.
std::string RandomInput(std::mt19937_64& rng, size_t max_len) {
  static constexpr char kSyntax[] =
      "0123456789abcdef+/=\n \t-.\"[]=#\xE2\x80\x94";
  std::string s(rng() % (max_len + 1), '\0');
  for (char& c : s) {
    c = rng() % 2 ? kSyntax[rng() % (sizeof kSyntax - 1)]
                  : static_cast<char>(rng());
  }
  return s;
}

// `valid` with a few bytes flipped, inserted or cut.
std::string Mutate(std::mt19937_64& rng, std::string valid) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits && !valid.empty(); ++i) {
    const size_t at = rng() % valid.size();
    switch (rng() % 3) {
      case 0:
        valid[at] = static_cast<char>(valid[at] ^ (1 << (rng() % 8)));
        break;
      case 1:
        valid.insert(at, 1, static_cast<char>(rng()));
        break;
      default:
        valid.erase(at, 1 + rng() % 8);
    }
  }
  return valid;
}

// Calls every decoder on `input`; the results are discarded, only their
// being returned at all matters.
void DecodeAll(const std::string& input) {
  ByteView bytes = AsBytes(input);
  (void)node::Imei::Parse(input);
  (void)node::DecodeEntry(bytes);
  (void)HexDecode(input);
  (void)Base64Decode(input);
  (void)crypto::ParseNote(input);
  (void)crypto::ParseCheckpointText(input);
  (void)crypto::NoteVerifier::FromVkey(input);
  (void)node::merkle::StateProof::Decode(bytes);
  (void)node::merkle::StateNode::Decode(bytes);
  (void)node::merkle::DecodeStateRoot(bytes);
  (void)node::merkle::CompactRange::Decode(bytes);
  (void)node::federation::ParseBundle(input);
}

BOOST_AUTO_TEST_CASE(random_bytes_never_crash_a_decoder) {
  std::mt19937_64 rng(testing::TestSeed("random_bytes_never_crash_a_decoder"));
  for (int i = 0; i < 20000; ++i) DecodeAll(RandomInput(rng, 300));
}

BOOST_AUTO_TEST_CASE(mutated_valid_inputs_never_crash_a_decoder) {
  std::mt19937_64 rng(
      testing::TestSeed("mutated_valid_inputs_never_crash_a_decoder"));
  auto key = *crypto::Ed25519PrivateKey::Generate();
  auto signer = *crypto::NoteSigner::Create(
      "imeisync/kz/ministry", *crypto::Ed25519PrivateKey::Generate());
  crypto::Note note;
  note.text =
      crypto::FormatCheckpointText({"imeisync/kz/ministry", 42, Hash32{7}, {}});
  note.signatures.push_back(signer.Sign(note.text));
  node::merkle::StateProof proof;
  proof.siblings = {Hash32{1}, Hash32{}, Hash32{3}};
  proof.leaf = StatePair{Hash32{4}, Hash32{5}};
  node::merkle::StateNode state_node;
  state_node.child[3] = node::merkle::StateChild::Leaf({Hash32{6}, Hash32{7}});
  state_node.child[9] = node::merkle::StateChild::Node(Hash32{8}, 3);
  node::merkle::CompactRange range;
  for (int i = 0; i < 13; ++i) range.Append(Hash32{static_cast<uint8_t>(i)});
  node::federation::Bundle bundle{1,
                                  "kz",
                                  node::federation::TagMode::kSalted,
                                  1,
                                  key.public_key(),
                                  "",
                                  {},
                                  node::federation::DefaultPolicy(),
                                  std::nullopt,
                                  {}};
  bundle.members.push_back({"ministry", node::federation::Role::kMinistry,
                            key.public_key(), "", std::nullopt});
  const node::EncodedEntry entry = node::EncodeEntry(
      {node::Action::kBlock, node::Reason::kStolen, Hash32{9}, 1});

  const std::vector<std::string> seeds = {
      "35-209900-176148-1",
      std::string(AsChars(entry)),
      crypto::FormatNote(note),
      std::string(AsChars(proof.Encode())),
      std::string(AsChars(state_node.Encode())),
      std::string(AsChars(range.Encode())),
      node::federation::FormatBundle(bundle),
      (*signer.Verifier()).Vkey(),
  };
  for (const std::string& s : seeds) DecodeAll(s);  // the valid ones parse
  BOOST_TEST(crypto::ParseNote(seeds[2]).ok());
  BOOST_TEST(node::federation::ParseBundle(seeds[6]).ok());
  for (int i = 0; i < 20000; ++i)
    DecodeAll(Mutate(rng, seeds[rng() % seeds.size()]));
}

}  // namespace
}  // namespace imeisync
