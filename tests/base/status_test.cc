#include "base/status.h"

#include <boost/test/unit_test.hpp>

namespace imeisync {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  IMEISYNC_ASSIGN_OR_RETURN(int h, Half(x));
  IMEISYNC_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

BOOST_AUTO_TEST_SUITE(status)

BOOST_AUTO_TEST_CASE(codes_carry_grpc_numbers) {
  // The rpc layer casts; these numbers are grpc::StatusCode's.
  BOOST_TEST(static_cast<int>(StatusCode::kInvalidArgument) == 3);
  BOOST_TEST(static_cast<int>(StatusCode::kNotFound) == 5);
  BOOST_TEST(static_cast<int>(StatusCode::kAlreadyExists) == 6);
  BOOST_TEST(static_cast<int>(StatusCode::kPermissionDenied) == 7);
  BOOST_TEST(static_cast<int>(StatusCode::kResourceExhausted) == 8);
  BOOST_TEST(static_cast<int>(StatusCode::kFailedPrecondition) == 9);
  BOOST_TEST(static_cast<int>(StatusCode::kInternal) == 13);
  BOOST_TEST(static_cast<int>(StatusCode::kUnavailable) == 14);
  BOOST_TEST(static_cast<int>(StatusCode::kDataLoss) == 15);
}

BOOST_AUTO_TEST_CASE(to_string_names_code_and_message) {
  BOOST_TEST(Status::Ok().ToString() == "OK");
  BOOST_TEST(DataLoss("root mismatch").ToString() ==
             "DATA_LOSS: root mismatch");
  BOOST_TEST(NotFound("x").WithContext("file f").message() == "file f: x");
  BOOST_TEST(Status::Ok().WithContext("ignored").ok());
}

BOOST_AUTO_TEST_CASE(assign_or_return_propagates_the_first_error) {
  BOOST_TEST(*Quarter(8) == 2);
  Result<int> r = Quarter(6);
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(r.status().message() == "3 is odd");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync
