// Where a node's device tags come from (docs/design.md "Identity to entry"):
//   - salted mode: HMAC-SHA256 under the federation salt, computed here;
//   - oprf mode, the bundle's OPRF evaluator: the OPRF key, computed here;
//   - oprf mode, every other member: blinded batch queries to the evaluator
//     (node/rpc/remote_oprf_tags.h) behind the local-only tag cache
//     (tag_cache.h).
// Every consumer (submit, import, checks, the EIR API, proofs) asks the
// node's TagSource, so one code path serves both modes.
#ifndef IMEISYNC_NODE_TAGS_TAG_SOURCE_H_
#define IMEISYNC_NODE_TAGS_TAG_SOURCE_H_

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/device_tag.h"
#include "crypto/oprf.h"

namespace imeisync::node::tags {

class TagSource {
 public:
  virtual ~TagSource() = default;
  // The tags of `imei14s` (each exactly 14 ASCII digits, as
  // Imei::imei14()), in order. Thread-safe. All or nothing: an error
  // returns no tags. FailedPrecondition when this node cannot tag at all;
  // remote sources add Unavailable, ResourceExhausted, DataLoss (a proof
  // that does not verify) and the like, each saying who failed.
  virtual Result<std::vector<Hash32>> Tags(
      std::span<const std::string> imei14s) = 0;
};

// Salted mode. One HMAC per IMEI.
std::unique_ptr<TagSource> SaltedTags(crypto::Salt salt);

// oprf mode, on the evaluator: RFC 9497 VOPRF Evaluate with the key, which
// equals what a member gets through Blind/BlindEvaluate/Finalize.
// `current_public_key` returns the bundle's [oprf] public key at call time:
// a bundle that changed the key (a new epoch) makes every call
// FailedPrecondition until the node restarts with the new key file.
std::unique_ptr<TagSource> OprfKeyTags(
    crypto::OprfPrivateKey key, std::function<Bytes()> current_public_key);

// A node that cannot tag: every call is FailedPrecondition(`why`).
std::unique_ptr<TagSource> NoTags(std::string why);

}  // namespace imeisync::node::tags

#endif  // IMEISYNC_NODE_TAGS_TAG_SOURCE_H_
