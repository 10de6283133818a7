// The Replication service serves a member only the logs it may read, names
// what is wrong with a malformed request, and takes nothing from an
// announce that it cannot verify.
#include "node/rpc/replication_service.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "crypto/checkpoint.h"
#include "crypto/note.h"
#include "tests/node/rpc/rpc_fixture.h"

namespace imeisync::testing {
namespace {

using grpc::StatusCode;

// op1 served, holding its own log (3 entries) and op2's (5), both signed.
struct Op1Peer {
  RpcFederation fed;
  std::unique_ptr<node::core::Node> op1 = fed.Open("op1");
  std::unique_ptr<node::core::Node> op2 = fed.Open("op2");
  ServedNode served{fed, *op1};
  const std::string op2_origin = fed.Origin("op2");

  Op1Peer() {
    SubmitSigned(*op1, Imeis(35209900176148, 3));
    SubmitSigned(*op2, Imeis(35209900276148, 5));
    PullLog(*op1, *op2, op2_origin);
  }

  grpc::Status GetCheckpoint(const std::string& caller,
                             const std::string& origin) {
    v1::GetCheckpointRequest r;
    r.set_origin(origin);
    v1::Checkpoint response;
    return served.Replication(caller)->GetCheckpoint(Ctx().get(), r, &response);
  }
  // The status of GetEntries, and the entries streamed before it.
  grpc::Status GetEntries(const std::string& caller, const std::string& origin,
                          uint64_t begin, uint64_t end, uint64_t* got) {
    v1::GetEntriesRequest r;
    r.set_origin(origin);
    r.set_begin(begin);
    r.set_end(end);
    auto stub = served.Replication(caller);
    auto context = Ctx();
    auto reader = stub->GetEntries(context.get(), r);
    v1::EntryChunk chunk;
    *got = 0;
    while (reader->Read(&chunk)) *got += chunk.entries().size() / 43;
    return reader->Finish();
  }
  grpc::Status GetConsistency(const std::string& caller,
                              const std::string& origin, uint64_t first,
                              uint64_t second) {
    v1::GetConsistencyRequest r;
    r.set_origin(origin);
    r.set_first(first);
    r.set_second(second);
    v1::ConsistencyProof response;
    return served.Replication(caller)->GetConsistency(Ctx().get(), r,
                                                      &response);
  }
  grpc::Status Announce(const std::string& caller,
                        const std::vector<std::string>& notes) {
    v1::AnnounceRequest r;
    for (const std::string& n : notes) r.add_checkpoints()->set_note(n);
    v1::AnnounceResponse response;
    return served.Replication(caller)->Announce(Ctx().get(), r, &response);
  }
  std::string StoredNote(const std::string& origin) {
    auto note = op1->reads().CheckpointNote(origin);
    BOOST_TEST_REQUIRE(note.ok(), note.status().ToString());
    return *note;
  }
};

// A well-formed note of `origin` at size 1 under a signature of zeros.
std::string UnsignedNote(const std::string& origin) {
  crypto::Checkpoint cp{origin, 1, {}, {}};
  crypto::Note note{crypto::FormatCheckpointText(cp),
                    {{origin, 0x01020304, Bytes(64, 0)}}};
  return crypto::FormatNote(note);
}

BOOST_FIXTURE_TEST_SUITE(replication_service, Op1Peer)

BOOST_AUTO_TEST_CASE(reads_reject_a_malformed_origin_name) {
  uint64_t got = 0;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "is not in federation kz (expected imeisync/kz/<node>)"},
      {"imeisync/uz/op2", "is not in federation kz"},
      {"imeisync/kz/OP2", "does not end in a node id [a-z0-9-]{1,32}"},
      {"imeisync/kz/op2/extra", "is neither imeisync/kz/<node> nor an export"},
      {"imeisync/kz/ministry/export/", "nor an export log"},
  };
  for (const auto& [origin, why] : bad) {
    BOOST_TEST_CONTEXT("origin \"" << origin << "\"") {
      BOOST_CHECK_GRPC(GetCheckpoint("op2", origin),
                       StatusCode::INVALID_ARGUMENT, why);
      BOOST_CHECK_GRPC(GetEntries("op2", origin, 0, 1, &got),
                       StatusCode::INVALID_ARGUMENT, why);
      BOOST_CHECK_GRPC(GetConsistency("op2", origin, 1, 2),
                       StatusCode::INVALID_ARGUMENT, why);
    }
  }
  BOOST_TEST(got == 0u);
}

BOOST_AUTO_TEST_CASE(a_foreign_member_may_not_read_another_members_log) {
  uint64_t got = 0;
  const std::string why =
      "foreign member fx may read only its own log and its link's export "
      "log; not " +
      op2_origin;
  BOOST_CHECK_GRPC(GetCheckpoint("fx", op2_origin),
                   StatusCode::PERMISSION_DENIED, why);
  BOOST_CHECK_GRPC(GetEntries("fx", op2_origin, 0, 5, &got),
                   StatusCode::PERMISSION_DENIED, why);
  BOOST_CHECK_GRPC(GetConsistency("fx", op2_origin, 2, 5),
                   StatusCode::PERMISSION_DENIED, why);
  BOOST_TEST(got == 0u);
  // A member reads the same log.
  BOOST_TEST(GetCheckpoint("op2", op2_origin).ok());
}

BOOST_AUTO_TEST_CASE(an_export_log_is_served_only_to_its_links_member) {
  uint64_t got = 0;
  const std::string why =
      fed.ExportOrigin() + " is served only to its link's member";
  for (const char* caller : {"op2", "aud"}) {
    BOOST_TEST_CONTEXT("caller " << caller) {
      BOOST_CHECK_GRPC(GetCheckpoint(caller, fed.ExportOrigin()),
                       StatusCode::PERMISSION_DENIED, why);
      BOOST_CHECK_GRPC(GetEntries(caller, fed.ExportOrigin(), 0, 1, &got),
                       StatusCode::PERMISSION_DENIED, why);
    }
  }
  // Its link's member is let through (op1 holds no export log: NotFound).
  BOOST_TEST(GetCheckpoint("fx", fed.ExportOrigin()).error_code() ==
             StatusCode::NOT_FOUND);
}

BOOST_AUTO_TEST_CASE(a_certified_caller_the_bundle_does_not_list_is_refused) {
  v1::Frontier frontier;
  const std::string why = "caller late is not a member of bundle version " +
                          std::to_string(fed.bundle().version) +
                          " held here; offer a newer bundle with OfferBundle";
  BOOST_CHECK_GRPC(served.Replication("late")->GetFrontier(
                       Ctx().get(), v1::GetFrontierRequest(), &frontier),
                   StatusCode::PERMISSION_DENIED, why);
  BOOST_CHECK_GRPC(GetCheckpoint("late", op2_origin),
                   StatusCode::PERMISSION_DENIED, why);
  BOOST_CHECK_GRPC(Announce("late", {StoredNote(op2_origin)}),
                   StatusCode::PERMISSION_DENIED, why);
  BOOST_TEST(served.events().announces().empty());
}

BOOST_AUTO_TEST_CASE(get_entries_rejects_an_empty_or_reversed_range) {
  uint64_t got = 0;
  BOOST_CHECK_GRPC(GetEntries("op2", op2_origin, 3, 2, &got),
                   StatusCode::INVALID_ARGUMENT,
                   "entries [3, 2) of " + op2_origin + ": this node holds 5");
  BOOST_CHECK_GRPC(GetEntries("op2", op2_origin, 2, 2, &got),
                   StatusCode::INVALID_ARGUMENT, "entries [2, 2)");
  BOOST_TEST(got == 0u);
}

BOOST_AUTO_TEST_CASE(get_entries_rejects_a_range_beyond_the_verified_size) {
  uint64_t got = 0;
  BOOST_CHECK_GRPC(GetEntries("op2", op2_origin, 0, 6, &got),
                   StatusCode::INVALID_ARGUMENT,
                   "entries [0, 6) of " + op2_origin + ": this node holds 5");
  BOOST_CHECK_GRPC(GetEntries("op2", op2_origin, 5, 7, &got),
                   StatusCode::INVALID_ARGUMENT, "this node holds 5");
  BOOST_TEST(got == 0u);
  BOOST_TEST(GetEntries("op2", op2_origin, 1, 5, &got).ok());
  BOOST_TEST(got == 4u);
}

BOOST_AUTO_TEST_CASE(get_consistency_rejects_sizes_outside_zero_to_the_log) {
  for (const auto& [first, second] :
       std::vector<std::pair<uint64_t, uint64_t>>{{0, 3}, {4, 3}, {3, 6}}) {
    BOOST_TEST_CONTEXT(first << " to " << second) {
      BOOST_CHECK_GRPC(GetConsistency("op2", op2_origin, first, second),
                       StatusCode::INVALID_ARGUMENT,
                       "no consistency proof from size " +
                           std::to_string(first) + " to " +
                           std::to_string(second) + " in the log of " +
                           op2_origin + " (size 5)");
    }
  }
  BOOST_TEST(GetConsistency("op2", op2_origin, 2, 5).ok());
}

BOOST_AUTO_TEST_CASE(announced_garbage_is_left_to_the_pull_and_stores_nothing) {
  const std::string before = StoredNote(op2_origin);
  BOOST_TEST(Announce("op2", {"garbage", "", "\xff\xfe"}).ok());
  const auto announces = served.events().announces();
  BOOST_TEST_REQUIRE(announces.size() == 1u);
  BOOST_TEST(announces[0].from == "op2");
  BOOST_TEST_REQUIRE(announces[0].checkpoints.size() == 3u);
  for (const auto& c : announces[0].checkpoints) {
    BOOST_TEST(c.status().code() == imeisync::StatusCode::kInvalidArgument);
  }
  BOOST_TEST(StoredNote(op2_origin) == before);
  BOOST_TEST(served.LogSize(op2_origin) == 5u);
  BOOST_TEST(served.events().new_checkpoints().empty());
}

BOOST_AUTO_TEST_CASE(an_announce_over_1024_checkpoints_is_refused) {
  std::vector<std::string> notes(1025, StoredNote(op2_origin));
  BOOST_CHECK_GRPC(Announce("op2", notes), StatusCode::INVALID_ARGUMENT,
                   "1025 checkpoints in one announce; at most 1024");
  BOOST_TEST(served.events().announces().empty());
}

BOOST_AUTO_TEST_CASE(an_announce_of_a_log_the_caller_may_not_read_is_refused) {
  BOOST_CHECK_GRPC(Announce("op2", {UnsignedNote(fed.ExportOrigin())}),
                   StatusCode::PERMISSION_DENIED,
                   "is served only to its link's member");
  BOOST_CHECK_GRPC(Announce("fx", {UnsignedNote(op2_origin)}),
                   StatusCode::PERMISSION_DENIED,
                   "foreign member fx may read only its own log");
  BOOST_CHECK_GRPC(Announce("op2", {UnsignedNote("imeisync/uz/op2")}),
                   StatusCode::INVALID_ARGUMENT, "is not in federation kz");
  BOOST_TEST(served.events().announces().empty());
}

BOOST_AUTO_TEST_CASE(a_forged_cosignature_in_an_announce_is_not_stored) {
  auto ministry = fed.Open("ministry");
  PullLog(*ministry, *op2, op2_origin);
  const std::string cosigned = *ministry->reads().CheckpointNote(op2_origin);
  const std::string before = StoredNote(op2_origin);
  // Flip one byte of the cosignature op1 does not hold yet.
  auto note = crypto::ParseNote(cosigned);
  auto held = crypto::ParseNote(before);
  BOOST_TEST_REQUIRE((note.ok() && held.ok()));
  bool flipped = false;
  for (crypto::NoteSignature& s : note->signatures) {
    if (std::find(held->signatures.begin(), held->signatures.end(), s) ==
        held->signatures.end()) {
      s.signature.back() ^= 1;
      flipped = true;
    }
  }
  BOOST_TEST_REQUIRE(flipped);
  BOOST_TEST(Announce("ministry", {crypto::FormatNote(*note)}).ok());
  BOOST_TEST(StoredNote(op2_origin) == before);
  BOOST_TEST(served.events().new_checkpoints().empty());
  // The genuine cosignature is taken, so the forged one was tried.
  BOOST_TEST(Announce("ministry", {cosigned}).ok());
  BOOST_TEST(StoredNote(op2_origin) != before);
  BOOST_TEST(served.events().new_checkpoints().size() == 1u);
}

BOOST_AUTO_TEST_CASE(offer_bundle_refuses_garbage_and_a_bundle_not_newer) {
  v1::OfferBundleResponse response;
  v1::SignedBundle garbage;
  garbage.set_toml("[[[");
  garbage.set_signature("??");
  BOOST_TEST(served.Replication("op2")
                 ->OfferBundle(Ctx().get(), garbage, &response)
                 .error_code() == StatusCode::INVALID_ARGUMENT);
  v1::SignedBundle same;
  BOOST_TEST_REQUIRE(served.Replication("op2")
                         ->GetBundle(Ctx().get(), v1::GetBundleRequest(), &same)
                         .ok());
  BOOST_TEST(served.Replication("op2")
                 ->OfferBundle(Ctx().get(), same, &response)
                 .error_code() == StatusCode::FAILED_PRECONDITION);
  BOOST_TEST(served.events().bundle_changes() == 0);
}

BOOST_AUTO_TEST_CASE(a_foreign_member_sees_neither_domestic_logs_nor_state) {
  v1::Frontier foreign, domestic;
  BOOST_TEST_REQUIRE(
      served.Replication("fx")
          ->GetFrontier(Ctx().get(), v1::GetFrontierRequest(), &foreign)
          .ok());
  BOOST_TEST(foreign.origins_size() == 0);  // op1 holds no log of fx
  BOOST_TEST(foreign.state_root().empty());
  BOOST_TEST(foreign.state_head().empty());
  BOOST_TEST_REQUIRE(
      served.Replication("op2")
          ->GetFrontier(Ctx().get(), v1::GetFrontierRequest(), &domestic)
          .ok());
  BOOST_TEST(domestic.origins_size() == 2);  // op1's and op2's
  BOOST_TEST(domestic.state_root().size() == 32u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
