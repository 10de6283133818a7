// A member that lies: a Replication server, with a real member's TLS
// identity, that serves whatever signed notes and entry bytes the test
// gives it. Real daemons pull from it as from any peer, so tests can check
// what they refuse.
#ifndef IMEISYNC_TESTS_INTEGRATION_FAKE_PEER_H_
#define IMEISYNC_TESTS_INTEGRATION_FAKE_PEER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "node/entry.h"
#include "proto/imeisync.grpc.pb.h"

namespace imeisync::testing {

// A log as an origin would sign it: entries, and the checkpoint note over
// them signed by the Ed25519 key in `key_path` under key name `origin`.
struct SignedLog {
  std::string origin;
  std::vector<node::Entry> entries;
  std::string note;
};
SignedLog SignLog(const std::string& origin,
                  const std::vector<node::Entry>& entries,
                  const std::string& key_path);

// `count` entries with random tags.
std::vector<node::Entry> RandomEntries(node::Action action, node::Reason reason,
                                       size_t count, uint64_t seed);

class FakePeer {
 public:
  // Serves on `endpoint` with the TLS material of the node dir `node_dir`
  // (tls.key, tls.crt, ca.crt); Hello answers `bundle_version`.
  FakePeer(const std::string& node_dir, const std::string& endpoint,
           uint64_t bundle_version);
  ~FakePeer();

  // What the peer offers: one origin, with `note` as its checkpoint, and
  // `entries` as what GetEntries returns for it (true or not).
  void Serve(const std::string& origin, const std::string& note,
             const std::vector<node::Entry>& entries);
  // Announces `note` to the member `id` at `endpoint`, as a real node does
  // when it has a new checkpoint. Returns the call's status.
  grpc::Status AnnounceTo(const std::string& id, const std::string& endpoint,
                          const std::string& note);

 private:
  class Service;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string node_dir_;
};

}  // namespace imeisync::testing

#endif  // IMEISYNC_TESTS_INTEGRATION_FAKE_PEER_H_
