// What every merkle::StateNodeStore promises (node/merkle/state_node_store.h),
// checked on a fresh, empty, writable store. The memory store's tests and the
// LMDB store's run the same checks.
#ifndef IMEISYNC_TESTS_NODE_MERKLE_STATE_STORE_CONTRACT_H_
#define IMEISYNC_TESTS_NODE_MERKLE_STATE_STORE_CONTRACT_H_

#include <boost/test/unit_test.hpp>
#include <vector>

#include "node/merkle/state_node_store.h"

namespace imeisync::testing {

using node::merkle::NibblePrefix;
using node::merkle::StaleList;
using node::merkle::StateNodeId;
using node::merkle::StateNodeRecord;
using node::merkle::StateNodeStore;

inline Bytes ToBytes(Result<ByteView> v) {
  BOOST_TEST_REQUIRE(v.ok(), v.status().ToString());
  return Bytes(v->begin(), v->end());
}

inline NibblePrefix Prefix(std::vector<int> nibbles) {
  NibblePrefix p;
  for (int n : nibbles) p = p.Child(n);
  return p;
}

// An empty store: version 0, and every read is NotFound or empty.
inline void CheckEmptyStore(StateNodeStore& s) {
  BOOST_TEST(*s.Version() == 0u);
  BOOST_TEST(s.Root(1).status().code() == StatusCode::kNotFound);
  BOOST_TEST(s.Node(1, NibblePrefix{}).status().code() ==
             StatusCode::kNotFound);
  BOOST_TEST(!s.NextStale(0)->has_value());
  BOOST_TEST(s.RootVersions(100, 100)->empty());
}

// Nodes are found by exactly (version, prefix); a version's nodes are
// written once; deleting is idempotent.
inline void CheckNodes(StateNodeStore& s) {
  const NibblePrefix root, three = Prefix({3}), deep = Prefix({3, 0xa, 5});
  const std::vector<StateNodeRecord> v1 = {
      {deep, Bytes{1, 2, 3}}, {root, Bytes{4}}, {three, Bytes{5, 6}}};
  BOOST_REQUIRE(s.PutNodes(1, v1).ok());
  BOOST_TEST(ToBytes(s.Node(1, root)) == Bytes{4});
  BOOST_TEST(ToBytes(s.Node(1, three)) == (Bytes{5, 6}));
  BOOST_TEST(ToBytes(s.Node(1, deep)) == (Bytes{1, 2, 3}));
  BOOST_TEST(s.Node(2, root).status().code() == StatusCode::kNotFound);
  BOOST_TEST(s.Node(1, Prefix({3, 0xa})).status().code() ==
             StatusCode::kNotFound);
  BOOST_TEST(s.Node(1, Prefix({4})).status().code() == StatusCode::kNotFound);
  // A version at or below a stored node's is refused.
  BOOST_TEST(
      s.PutNodes(1, std::vector<StateNodeRecord>{{root, Bytes{9}}}).code() ==
      StatusCode::kInvalidArgument);
  BOOST_TEST(ToBytes(s.Node(1, root)) == Bytes{4});
  BOOST_REQUIRE(
      s.PutNodes(2, std::vector<StateNodeRecord>{{root, Bytes{7}}}).ok());
  BOOST_TEST(ToBytes(s.Node(2, root)) == Bytes{7});
  BOOST_TEST(ToBytes(s.Node(1, root)) == Bytes{4});
  const std::vector<StateNodeId> gone = {{1, root}, {1, deep}, {9, three}};
  BOOST_REQUIRE(s.DeleteNodes(gone).ok());
  BOOST_REQUIRE(s.DeleteNodes(gone).ok());
  BOOST_TEST(s.Node(1, root).status().code() == StatusCode::kNotFound);
  BOOST_TEST(s.Node(1, deep).status().code() == StatusCode::kNotFound);
  BOOST_TEST(ToBytes(s.Node(1, three)) == (Bytes{5, 6}));
  BOOST_TEST(ToBytes(s.Node(2, root)) == Bytes{7});
}

// Roots by version; RootVersions lists those below a bound, lowest first.
inline void CheckRoots(StateNodeStore& s) {
  for (uint64_t v : {5u, 1u, 2u}) {
    BOOST_REQUIRE(s.PutRoot(v, Bytes{static_cast<uint8_t>(v)}).ok());
  }
  BOOST_REQUIRE(s.PutRoot(2, Bytes{0x22}).ok());  // replaces
  BOOST_TEST(ToBytes(s.Root(2)) == Bytes{0x22});
  BOOST_TEST(s.Root(3).status().code() == StatusCode::kNotFound);
  BOOST_TEST(*s.RootVersions(5, 10) == (std::vector<uint64_t>{1, 2}));
  BOOST_TEST(*s.RootVersions(6, 10) == (std::vector<uint64_t>{1, 2, 5}));
  BOOST_TEST(*s.RootVersions(6, 2) == (std::vector<uint64_t>{1, 2}));
  BOOST_TEST(s.RootVersions(6, 0)->empty());
  BOOST_TEST(s.RootVersions(1, 10)->empty());
  BOOST_REQUIRE(s.DeleteRoot(2).ok());
  BOOST_REQUIRE(s.DeleteRoot(7).ok());
  BOOST_TEST(*s.RootVersions(100, 10) == (std::vector<uint64_t>{1, 5}));
}

// Stale lists keep their order; NextStale finds the lowest at or after
// `from`; the version counter is whatever was set last.
inline void CheckStaleAndVersion(StateNodeStore& s) {
  const std::vector<StateNodeId> three = {
      {2, Prefix({1, 2, 3})}, {1, NibblePrefix{}}, {2, Prefix({0xf})}};
  const std::vector<StateNodeId> five = {{4, Prefix({7, 7})}};
  BOOST_REQUIRE(s.PutStale(5, five).ok());
  BOOST_REQUIRE(s.PutStale(3, three).ok());
  BOOST_TEST((**s.NextStale(0) == StaleList{3, three}));
  BOOST_TEST((**s.NextStale(3) == StaleList{3, three}));
  BOOST_TEST((**s.NextStale(4) == StaleList{5, five}));
  BOOST_TEST(!s.NextStale(6)->has_value());
  BOOST_REQUIRE(s.DeleteStale(3).ok());
  BOOST_REQUIRE(s.DeleteStale(4).ok());
  BOOST_TEST((**s.NextStale(0) == StaleList{5, five}));
  BOOST_REQUIRE(s.SetVersion(7).ok());
  BOOST_REQUIRE(s.SetVersion(6).ok());
  BOOST_TEST(*s.Version() == 6u);
}

// The checks above in turn, on one fresh store.
inline void CheckStoreContract(StateNodeStore& s) {
  CheckEmptyStore(s);
  CheckNodes(s);
  CheckRoots(s);
  CheckStaleAndVersion(s);
}

}  // namespace imeisync::testing

#endif  // IMEISYNC_TESTS_NODE_MERKLE_STATE_STORE_CONTRACT_H_
